/// A parsed `--database-url`. PostgreSQL arrives with its own issue; until then it is refused clearly.
enum DatabaseURL: Equatable, Sendable {
    case sqliteFile(path: String)
    case sqliteMemory

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// `sqlite://` followed by a path as written (`sqlite:///abs` is absolute, `sqlite://rel` relative),
    /// or `sqlite::memory:`.
    static func parse(_ text: String) throws(Invalid) -> DatabaseURL {
        if text == "sqlite::memory:" || text == "sqlite://:memory:" { return .sqliteMemory }
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw Invalid(description: "database URL '\(text)' names no file") }
            guard !path.contains("?"), !path.contains("\0") else {
                throw Invalid(description: "database URL '\(text)': a SQLite path takes no options")
            }
            return .sqliteFile(path: path)
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            throw Invalid(description: "database URL '\(redacted(text))': PostgreSQL is not supported by this build yet")
        }
        throw Invalid(
            description: "database URL '\(redacted(text))' is not understood: use sqlite://PATH or sqlite::memory:")
    }

    /// Never echo a password back in an error message.
    private static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://") else { return text }
        return String(text[..<scheme.upperBound]) + "***" + String(text[at...])
    }
}
