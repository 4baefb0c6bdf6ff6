import Foundation
import HTTPTypes
import OpenAPIRuntime

/// The top-level keys of a JSON body whose value is `null`.
///
/// The generated types decode an absent field and a `null` one alike (as `nil`), but the contract
/// tells them apart: in a PATCH, `null` clears a field and absence leaves it alone, and `null` for
/// a field that cannot be null is a 422. One way for both: `BodyIssuesMiddleware` refuses a body
/// with a null the document does not allow (with every other problem of it), and the handlers
/// read this set only where a null clears a field.
enum ExplicitNulls {
    @TaskLocal static var keys: Set<String> = []

    /// Finds the null keys of JSON bodies before the generated decoder sees them.
    struct Middleware: ServerMiddleware {
        let operations: [String: OpenAPIDocument.Operation]

        func intercept(
            _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
            next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
        ) async throws -> (HTTPResponse, HTTPBody?) {
            guard operations[operationID]?.hasJSONBody == true, let body else {
                return try await next(request, body, metadata)
            }
            // Already in memory: BodyLimitMiddleware collected it within the 1 MiB limit.
            let bytes = try await [UInt8](collecting: body, upTo: RequestLimits.maximumBodySize)
            let keys = ExplicitNulls.find(in: bytes)
            return try await ExplicitNulls.$keys.withValue(keys) {
                try await next(request, HTTPBody(bytes), metadata)
            }
        }
    }

    /// A scan of the top level only, without building the document: this runs on every JSON body,
    /// before the generated decoder reads it again. Anything that is not a JSON object yields no
    /// keys; the decoder then reports what is wrong with it.
    static func find(in bytes: [UInt8]) -> Set<String> {
        var scanner = TopLevelScanner(bytes: bytes)
        return scanner.nullKeys() ?? []
    }

    private struct TopLevelScanner {
        let bytes: [UInt8]
        var index = 0

        mutating func nullKeys() -> Set<String>? {
            var keys: Set<String> = []
            var seen: Set<String> = []
            skipWhitespace()
            guard take(UInt8(ascii: "{")) else { return nil }
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return finished() ? keys : nil }
            while true {
                skipWhitespace()
                // A trailing comma, which Foundation's decoder accepts too.
                if take(UInt8(ascii: "}")) { return finished() ? keys : nil }
                guard let key = string() else { return nil }
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                // A repeated key: the first one counts, as for the decoder.
                let isFirst = seen.insert(key).inserted
                if bytes[index...].starts(with: Self.null) {
                    index += Self.null.count
                    if isFirst { keys.insert(key) }
                } else {
                    guard skipValue() else { return nil }
                }
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "}")) else { return nil }
                return finished() ? keys : nil
            }
        }

        private static let null = Array("null".utf8)

        private mutating func finished() -> Bool {
            skipWhitespace()
            return index == bytes.count
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        private mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// A string's text; escapes are rare in keys, so an escaped one is decoded by Foundation.
        private mutating func string() -> String? {
            let start = index
            guard take(UInt8(ascii: "\"")) else { return nil }
            var escaped = false
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"):
                    escaped = true
                    index += 2
                case UInt8(ascii: "\""):
                    index += 1
                    let literal = bytes[start..<index]
                    if !escaped { return String(decoding: literal.dropFirst().dropLast(), as: UTF8.self) }
                    return try? JSONDecoder().decode(String.self, from: Data(literal))
                case 0..<0x20:
                    return nil  // control characters must be escaped
                default:
                    index += 1
                }
            }
            return nil
        }

        /// Skips one value; nested objects and arrays by depth, minding strings.
        private mutating func skipValue() -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""):
                        guard string() != nil else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return true
                        }
                    default:
                        break
                    }
                    index += 1
                }
                return false
            default:
                // A number, true, false: up to the next delimiter.
                let start = index
                while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D]
                    .contains(bytes[index])
                {
                    index += 1
                }
                return index > start
            }
        }
    }
}
