import ArgumentParser
import Crypto
import Foundation
import Logging

/// Every setting of the server, resolved once at start: flag, else environment variable, else default.
struct Configuration: Sendable {
    var databaseURL: DatabaseURL = .sqliteFile(path: "taskmanager.sqlite")
    var databasePool = DatabasePool()
    var host = "127.0.0.1"
    var port = 8000
    /// `nil`: a random key is generated once and kept in the database.
    var jwtSecret: String? = nil
    var accessTokenTTL = 900
    var refreshTokenTTL = 1_209_600
    var bcryptCost = 12
    /// Threads that hash passwords.
    var bcryptThreads = PasswordHasher.defaultThreads
    /// The nice value of those threads (0 to 19): how much they yield to request handling under load.
    var bcryptNice = PasswordHasher.defaultNice
    var openRegistration = true
    var logLevel: Logger.Level = .info
    var logFormat = LogFormat.text
    /// `--public-url`: the address users reach the server at (behind a proxy, its https one); `nil`: `http://HOST:PORT`.
    var configuredPublicURL: String? = nil
    /// Where the built-in clients' redirect URIs point and what `issuer` says, without a trailing `/`.
    var publicURL: String { configuredPublicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
    /// Browser origins allowed to call the API (CORS); none: CORS is off.
    var corsOrigins: [String] = []
    /// How many password hashes may wait for the bcrypt pool before new ones get 503; `nil`: 32 per core.
    var loginQueueLimit: Int? = nil
    /// How long SIGTERM/SIGINT wait for requests in flight before the process stops anyway.
    var shutdownTimeout = 30
    /// Proxies whose `X-Forwarded-For` names the client, for login throttling.
    var trustedProxies: [IPNetwork] = []
    /// Login throttling limits (the contract's defaults; no flags).
    var throttle = ThrottlePolicy()
    /// `--secrets-key`: seals TOTP secrets at rest; `nil`: they are stored unencrypted.
    var secretsKey: SymmetricKey? = nil
    /// Where `/docs` and `/redoc` load their JavaScript and CSS from: the CDN, or a local folder.
    var docs = DocsPages(assets: [:])

    static let minimumSecretBytes = 32

    /// An absolute http(s) URL with a host and no query or fragment; a trailing `/` is dropped.
    static func parsePublicURL(_ text: String) throws(Invalid) -> String {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let parts = URLComponents(string: trimmed), parts.scheme == "https" || parts.scheme == "http",
            let host = parts.host, !host.isEmpty, parts.query == nil, parts.fragment == nil, parts.user == nil,
            !trimmed.contains(where: { $0.isWhitespace })
        else {
            throw Invalid(description: "--public-url (TASKMANAGER_PUBLIC_URL): '\(text)' is not a URL like https://tasks.example.com")
        }
        return trimmed
    }

    enum LogFormat: String, Sendable { case text, json }

    /// A setting the server refuses to start with; its description is the one line printed.
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }
}

/// The settings flags of `serve`; each also reads its `TASKMANAGER_*` environment variable.
struct ServerOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions

    @Option(help: "Address to listen on (TASKMANAGER_HOST). Default: 127.0.0.1.")
    var host: String?

    @Option(help: "Port to listen on (TASKMANAGER_PORT). Default: 8000.")
    var port: String?

    @Option(
        help: ArgumentHelp(
            "HS256 signing key, at least 32 bytes (TASKMANAGER_JWT_SECRET). Default: a random key kept in the database.",
            valueName: "secret"))
    var jwtSecret: String?

    @Option(help: "Access-token lifetime in seconds (TASKMANAGER_ACCESS_TOKEN_TTL). Default: 900.")
    var accessTokenTTL: String?

    @Option(help: "Login-session lifetime in seconds (TASKMANAGER_REFRESH_TOKEN_TTL). Default: 1209600.")
    var refreshTokenTTL: String?

    @Option(help: "bcrypt cost, 4 to 31 (TASKMANAGER_BCRYPT_COST). Default: 12.")
    var bcryptCost: String?

    @Option(help: "Threads that hash passwords (TASKMANAGER_BCRYPT_THREADS). Default: one per core.")
    var bcryptThreads: String?

    @Option(help: "Nice value of the password-hashing threads, 0 to 19 (TASKMANAGER_BCRYPT_NICE). Default: \(PasswordHasher.defaultNice).")
    var bcryptNice: String?

    @Option(help: "true: anyone may register; false: POST /users needs an admin token (TASKMANAGER_OPEN_REGISTRATION). Default: true.")
    var openRegistration: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (TASKMANAGER_LOG_LEVEL). Default: info.")
    var logLevel: String?

    @Option(help: "text or json: one line per event on standard error (TASKMANAGER_LOG_FORMAT). Default: text.")
    var logFormat: String?

    @Option(
        help: ArgumentHelp(
            "Comma-separated browser origins allowed to call the API, e.g. https://app.example.com (TASKMANAGER_CORS_ORIGINS). Default: none (CORS off).",
            valueName: "list"))
    var corsOrigins: String?

    @Option(
        help: ArgumentHelp(
            "The URL users reach this server at, e.g. https://tasks.example.com: the built-in clients' redirect URIs and the OAuth issuer (TASKMANAGER_PUBLIC_URL). Default: http://HOST:PORT.",
            valueName: "url"))
    var publicURL: String?

    @Option(help: "Seconds SIGTERM/SIGINT wait for requests in flight before stopping anyway (TASKMANAGER_SHUTDOWN_TIMEOUT). Default: 30.")
    var shutdownTimeout: String?

    @Option(
        help: ArgumentHelp(
            "Comma-separated proxy addresses or networks whose X-Forwarded-For is believed (TASKMANAGER_TRUSTED_PROXIES). Default: none.",
            valueName: "list"))
    var trustedProxies: String?

    @Option(
        help: ArgumentHelp(
            "32 bytes, base64 (e.g. `openssl rand -base64 32`): TOTP secrets are encrypted at rest with it (TASKMANAGER_SECRETS_KEY). Default: none, stored unencrypted.",
            valueName: "key"))
    var secretsKey: String?

    @Option(
        help: ArgumentHelp(
            "Folder with swagger-ui-bundle.js, swagger-ui.css and redoc.standalone.js for /docs and /redoc (TASKMANAGER_DOCS_ASSETS). Default: the public CDN.",
            valueName: "dir"))
    var docsAssets: String?

    func configuration(environment: [String: String]) throws(Configuration.Invalid) -> Configuration {
        let settings = SettingsReader(environment: environment)
        var config = Configuration()
        config.databaseURL = try database.url(environment: environment)
        config.databasePool = try database.pool(environment: environment)
        if let host = settings.value(host, "TASKMANAGER_HOST") {
            guard !host.isEmpty else { throw .init(description: "--host (TASKMANAGER_HOST) must not be empty") }
            config.host = host
        }
        config.port = try settings.integer(port, "TASKMANAGER_PORT", flag: "--port", in: 0...65535) ?? config.port
        if let secret = settings.value(jwtSecret, "TASKMANAGER_JWT_SECRET") {
            let bytes = secret.utf8.count
            guard bytes >= Configuration.minimumSecretBytes else {
                throw .init(
                    description:
                        "--jwt-secret (TASKMANAGER_JWT_SECRET) is \(bytes) bytes; it must be at least \(Configuration.minimumSecretBytes) bytes (leave it unset to have a key generated and kept in the database)"
                )
            }
            config.jwtSecret = secret
        }
        let ttls = 1...(10 * 365 * 86_400)
        config.accessTokenTTL =
            try settings.integer(accessTokenTTL, "TASKMANAGER_ACCESS_TOKEN_TTL", flag: "--access-token-ttl", in: ttls)
            ?? config.accessTokenTTL
        config.refreshTokenTTL =
            try settings.integer(refreshTokenTTL, "TASKMANAGER_REFRESH_TOKEN_TTL", flag: "--refresh-token-ttl", in: ttls)
            ?? config.refreshTokenTTL
        config.bcryptCost = try Configuration.bcryptCost(bcryptCost, environment: environment)
        config.bcryptThreads =
            try settings.integer(bcryptThreads, "TASKMANAGER_BCRYPT_THREADS", flag: "--bcrypt-threads", in: 1...256)
            ?? config.bcryptThreads
        config.bcryptNice = try settings.integer(bcryptNice, "TASKMANAGER_BCRYPT_NICE", flag: "--bcrypt-nice", in: 0...19) ?? config.bcryptNice
        if let text = settings.value(openRegistration, "TASKMANAGER_OPEN_REGISTRATION") {
            switch text.lowercased() {
            case "true", "1", "yes", "on": config.openRegistration = true
            case "false", "0", "no", "off": config.openRegistration = false
            default:
                throw .init(description: "--open-registration (TASKMANAGER_OPEN_REGISTRATION) must be true or false, not '\(text)'")
            }
        }
        if let text = settings.value(logLevel, "TASKMANAGER_LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw .init(
                    description:
                        "--log-level (TASKMANAGER_LOG_LEVEL) must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'"
                )
            }
            config.logLevel = level
        }
        if let text = settings.value(logFormat, "TASKMANAGER_LOG_FORMAT") {
            guard let format = Configuration.LogFormat(rawValue: text.lowercased()) else {
                throw .init(description: "--log-format (TASKMANAGER_LOG_FORMAT) must be text or json, not '\(text)'")
            }
            config.logFormat = format
        }
        if let list = settings.value(corsOrigins, "TASKMANAGER_CORS_ORIGINS") {
            for origin in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !origin.isEmpty {
                guard origin.hasPrefix("http://") || origin.hasPrefix("https://"), !origin.hasSuffix("/") else {
                    throw .init(description: "--cors-origins (TASKMANAGER_CORS_ORIGINS): '\(origin)' is not an origin like https://app.example.com")
                }
                config.corsOrigins.append(origin)
            }
        }
        if let text = settings.value(publicURL, "TASKMANAGER_PUBLIC_URL") {
            config.configuredPublicURL = try Configuration.parsePublicURL(text)
        }
        config.shutdownTimeout =
            try settings.integer(shutdownTimeout, "TASKMANAGER_SHUTDOWN_TIMEOUT", flag: "--shutdown-timeout", in: 0...3600)
            ?? config.shutdownTimeout
        if let list = settings.value(trustedProxies, "TASKMANAGER_TRUSTED_PROXIES") {
            for item in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
                guard let network = IPNetwork(item) else {
                    throw .init(description: "--trusted-proxies (TASKMANAGER_TRUSTED_PROXIES): '\(item)' is not an IP address or network")
                }
                config.trustedProxies.append(network)
            }
        }
        if let text = settings.value(secretsKey, "TASKMANAGER_SECRETS_KEY") {
            guard let key = SecretBox.parseKey(text) else {
                throw .init(
                    description:
                        "--secrets-key (TASKMANAGER_SECRETS_KEY) must be 32 bytes in base64, e.g. the output of `openssl rand -base64 32`")
            }
            config.secretsKey = key
        }
        config.docs = try DocsPages.load(directory: settings.value(docsAssets, "TASKMANAGER_DOCS_ASSETS"))
        return config
    }
}

/// `--database-url`, shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "sqlite://PATH, sqlite::memory: or postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=disable|prefer|require|verify-full] (TASKMANAGER_DATABASE_URL). Default: sqlite://taskmanager.sqlite.",
            valueName: "url"))
    var databaseURL: String?

    @Option(help: "PostgreSQL: most connections this process opens (TASKMANAGER_DATABASE_POOL_SIZE). Default: 10.")
    var databasePoolSize: String?

    @Option(
        help:
            "PostgreSQL: seconds to wait for a connection before answering 503 (TASKMANAGER_DATABASE_TIMEOUT). Default: 3.")
    var databaseTimeout: String?

    func url(environment: [String: String]) throws(Configuration.Invalid) -> DatabaseURL {
        guard let text = SettingsReader(environment: environment).value(databaseURL, "TASKMANAGER_DATABASE_URL") else {
            return Configuration().databaseURL
        }
        do {
            return try DatabaseURL.parse(text)
        } catch {
            throw .init(description: "--database-url (TASKMANAGER_DATABASE_URL): \(error.description)")
        }
    }

    func pool(environment: [String: String]) throws(Configuration.Invalid) -> DatabasePool {
        let settings = SettingsReader(environment: environment)
        var pool = DatabasePool()
        pool.size =
            try settings.integer(databasePoolSize, "TASKMANAGER_DATABASE_POOL_SIZE", flag: "--database-pool-size", in: 1...1000)
            ?? pool.size
        if let seconds = try settings.integer(databaseTimeout, "TASKMANAGER_DATABASE_TIMEOUT", flag: "--database-timeout", in: 1...600) {
            pool.timeout = .seconds(seconds)
        }
        return pool
    }
}

extension Configuration {
    /// The bcrypt cost from `--bcrypt-cost` or `TASKMANAGER_BCRYPT_COST`: the one setting that both
    /// `serve` and the commands that set a password read, checked the same way for both.
    static func bcryptCost(_ flag: String?, environment: [String: String]) throws(Configuration.Invalid) -> Int {
        try SettingsReader(environment: environment)
            .integer(flag, "TASKMANAGER_BCRYPT_COST", flag: "--bcrypt-cost", in: PasswordHasher.costRange)
            ?? Configuration().bcryptCost
    }
}

private struct SettingsReader {
    var environment: [String: String]

    func value(_ flag: String?, _ variable: String) -> String? {
        if let flag { return flag }
        guard let value = environment[variable], !value.isEmpty else { return nil }
        return value
    }

    func integer(_ flag: String?, _ variable: String, flag name: String, in range: ClosedRange<Int>)
        throws(Configuration.Invalid) -> Int?
    {
        guard let text = value(flag, variable) else { return nil }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw .init(description: "\(name) (\(variable)) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return number
    }
}
