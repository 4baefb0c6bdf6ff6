import Foundation

/// A parsed `--database-url`: a SQLite file, SQLite in memory, or a PostgreSQL server.
enum DatabaseURL: Equatable, Sendable {
    case sqliteFile(path: String)
    case sqliteMemory
    case postgres(PostgresTarget)

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// `sqlite://` followed by a path as written (`sqlite:///abs` is absolute, `sqlite://rel` relative),
    /// `sqlite::memory:`, or `postgres://user:password@host:port/database?sslmode=…` (also `postgresql://`).
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
            return .postgres(try PostgresTarget.parse(text))
        }
        throw Invalid(
            description:
                "database URL '\(redacted(text))' is not understood: use sqlite://PATH, sqlite::memory: or postgres://USER:PASSWORD@HOST:PORT/DATABASE"
        )
    }

    /// Never echo a password back in an error message.
    static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound <= at else { return text }
        return String(text[..<scheme.upperBound]) + "***" + String(text[at...])
    }
}

/// Where a PostgreSQL server is and how to reach it.
struct PostgresTarget: Equatable, Sendable, CustomStringConvertible {
    var host: String
    var port = 5432
    var username: String
    var password: String?
    var database: String?
    var tls = TLSMode.prefer

    /// libpq's `sslmode` values that make sense here. `require` encrypts without checking the
    /// certificate (as libpq does); `verify-full` also checks it against the system's trust roots and the host name.
    enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    /// The target without its password, for logs and errors.
    var description: String {
        "postgres://\(username)@\(host):\(port)/\(database ?? username)?sslmode=\(tls.rawValue)"
    }

    static func parse(_ text: String) throws(DatabaseURL.Invalid) -> PostgresTarget {
        let shown = DatabaseURL.redacted(text)
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw .init(description: "database URL '\(shown)' names no host: use postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .init(description: "database URL '\(shown)' names no user: use postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        var target = PostgresTarget(
            host: host, username: components.percentEncodedUser?.removingPercentEncoding ?? user,
            password: components.percentEncodedPassword?.removingPercentEncoding)
        if let port = components.port {
            guard (1...65535).contains(port) else { throw .init(description: "database URL '\(shown)': port \(port) is out of range") }
            target.port = port
        }
        let name = String(components.percentEncodedPath.drop { $0 == "/" }).removingPercentEncoding ?? ""
        guard !name.contains("/") else { throw .init(description: "database URL '\(shown)': '\(name)' is not a database name") }
        target.database = name.isEmpty ? nil : name
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: item.value ?? "") else {
                    throw .init(
                        description:
                            "database URL '\(shown)': sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", ")), not '\(item.value ?? "")'"
                    )
                }
                target.tls = mode
            default:
                throw .init(description: "database URL '\(shown)': the option '\(item.name)' is not understood (only sslmode is)")
            }
        }
        return target
    }
}
