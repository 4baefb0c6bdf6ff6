/// A statement's text and its bound values, written once for both engines: `\(bind: value)` becomes
/// a placeholder (`?` on SQLite, `$n` on PostgreSQL, see `SQLDialect`) and `\(unsafeRaw: text)` is
/// spliced in as text — for column lists and other constants, never for input.
struct SQLStatement: Sendable, ExpressibleByStringInterpolation {
    /// The text around the placeholders: always one more part than there are binds.
    private(set) var parts: [String]
    private(set) var binds: [SQLValue]

    init(unsafeRaw text: String) {
        parts = [text]
        binds = []
    }

    init(stringLiteral text: String) { self.init(unsafeRaw: text) }

    init(stringInterpolation: Interpolation) {
        parts = stringInterpolation.parts
        binds = stringInterpolation.binds
    }

    struct Interpolation: StringInterpolationProtocol {
        fileprivate var parts = [""]
        fileprivate var binds: [SQLValue] = []

        init(literalCapacity: Int, interpolationCount: Int) {
            binds.reserveCapacity(interpolationCount)
        }

        mutating func appendLiteral(_ literal: String) { parts[parts.count - 1] += literal }

        mutating func appendInterpolation(bind value: some SQLBindable) {
            binds.append(value.sqlValue)
            parts.append("")
        }

        /// Spelled out for optionals, so the compiler does not take them for a debug description.
        mutating func appendInterpolation<Wrapped: SQLBindable>(bind value: Wrapped?) {
            binds.append(value?.sqlValue ?? .null)
            parts.append("")
        }

        mutating func appendInterpolation(unsafeRaw text: String) { appendLiteral(text) }

        mutating func appendInterpolation(_ sql: SQLStatement) {
            parts[parts.count - 1] += sql.parts[0]
            parts.append(contentsOf: sql.parts.dropFirst())
            binds.append(contentsOf: sql.binds)
        }
    }

    static func + (lhs: SQLStatement, rhs: SQLStatement) -> SQLStatement { "\(lhs)\(rhs)" }

    static func += (lhs: inout SQLStatement, rhs: SQLStatement) { lhs = lhs + rhs }
}

extension Array where Element == SQLStatement {
    func joined(separator: String) -> SQLStatement {
        guard var result = first else { return "" }
        for next in dropFirst() { result = "\(result)\(unsafeRaw: separator)\(next)" }
        return result
    }
}

/// A value bound to a placeholder.
enum SQLValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case bool(Bool)
    case null
}

protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension String: SQLBindable {
    var sqlValue: SQLValue { .text(self) }
}

extension Int64: SQLBindable {
    var sqlValue: SQLValue { .integer(self) }
}

extension Int: SQLBindable {
    var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Bool: SQLBindable {
    var sqlValue: SQLValue { .bool(self) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
}
