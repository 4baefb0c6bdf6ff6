import Foundation

/// The API's JSON written outside the generated handlers (event frames, MCP tool results), as the
/// generated serializer writes it: keys sorted, `/` unescaped, dates with milliseconds.
enum APIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(MillisecondDateTranscoder.format(date))
        }
        return encoder
    }()
}
