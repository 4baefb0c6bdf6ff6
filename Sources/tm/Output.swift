import Foundation

/// What `tm` prints: the API's objects as JSON (`--json`), or tables that fit 80 columns.
enum Output {
    static let width = 80

    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // As the API writes them: RFC 3339 in UTC, to the millisecond.
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.ISO8601Format(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Columns of fixed widths, the last taking what is left of 80; longer text is cut with "…".
    static func table(_ header: [String], widths: [Int], _ rows: [[String]]) {
        let last = width - widths.reduce(0, +) - widths.count
        let all = widths + [max(last, 8)]
        for row in [header] + rows {
            let cells = zip(row, all).map { text, width in fit(text, width) }
            print(cells.joined(separator: " ").trimmingCharacters(in: .whitespaces))
        }
    }

    static func fit(_ text: String, _ width: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        if flat.count <= width { return flat.padding(toLength: width, withPad: " ", startingAt: 0) }
        return String(flat.prefix(width - 1)) + "…"
    }

    /// `2026-12-06 10:15` in UTC: what a table has room for.
    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}
