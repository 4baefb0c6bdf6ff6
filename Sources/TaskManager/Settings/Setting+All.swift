import Foundation
import Logging

extension Setting {
    /// Every setting, in the order `--help` and the README list them. A new setting: an entry here,
    /// a `String?` option with `help: Setting.help(name)` on the commands that take it
    /// (`SettingOptions.swift`), its property in `ServerSettings`, and its row in the README.
    static let all: [Setting] = [
        Setting(
            name: "database-url",
            summary: "sqlite://PATH, sqlite::memory: or postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=disable|prefer|require|verify-full]",
            defaultValue: "sqlite://taskmanager.sqlite", valueName: "url"
        ) { text, settings throws(Refusal) in
            do throws(DatabaseURL.Invalid) {
                settings.databaseURL = try DatabaseURL.parse(text)
            } catch {
                throw Refusal(reason: ": \(error.description)")
            }
        },
        .integer(
            "database-pool-size", "PostgreSQL: most connections this process opens", in: 1...1000, \.connectionPool.size),
        Setting(
            name: "database-timeout", summary: "PostgreSQL: seconds to wait for a connection before answering 503",
            defaultValue: "\(ServerSettings().connectionPool.timeout.components.seconds)", valueName: nil
        ) { text, settings throws(Refusal) in
            settings.connectionPool.timeout = .seconds(try wholeNumber(text, in: 1...600))
        },
        Setting(name: "host", summary: "Address to listen on", defaultValue: ServerSettings().host, valueName: nil) {
            text, settings throws(Refusal) in
            guard !text.isEmpty else { throw Refusal(reason: " must not be empty") }
            settings.host = text
        },
        .integer("port", "Port to listen on", in: 0...65535, \.port),
        Setting(
            name: "jwt-secret", summary: "Sign access tokens HS256 with this key, at least \(ServerSettings.minimumSecretBytes) bytes",
            defaultValue: "none: the asymmetric key (--signing-alg) signs them", valueName: "secret"
        ) { text, settings throws(Refusal) in
            let bytes = text.utf8.count
            guard bytes >= ServerSettings.minimumSecretBytes else {
                throw Refusal(
                    reason:
                        " is \(bytes) bytes; it must be at least \(ServerSettings.minimumSecretBytes) bytes (leave it unset to have a key generated and kept in the database)"
                )
            }
            settings.jwtSecret = text
        },
        Setting(
            name: "signing-alg",
            summary: "Algorithm of the signing key kept in the database, whose public half /.well-known/jwks.json publishes: "
                + SigningAlgorithm.asymmetric.map(\.rawValue).joined(separator: ", "),
            defaultValue: ServerSettings().signingAlgorithm.rawValue, valueName: "alg"
        ) { text, settings throws(Refusal) in
            guard let algorithm = SigningAlgorithm.asymmetric.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
                throw Refusal(reason: " must be one of \(SigningAlgorithm.asymmetric.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
            }
            settings.signingAlgorithm = algorithm
        },
        .integer("access-token-ttl", "Access-token lifetime in seconds", in: tokenLifetimes, \.accessTokenTTL),
        .integer("refresh-token-ttl", "Login-session lifetime in seconds", in: tokenLifetimes, \.refreshTokenTTL),
        .integer(
            "browser-session-idle", "Seconds unused after which a browser's sign-in session ends", in: tokenLifetimes, \.browserSessionIdle),
        .integer(
            "browser-session-max", "Seconds after signing in at which a browser's sign-in session ends", in: tokenLifetimes,
            \.browserSessionMax),
        .integer("bcrypt-cost", "bcrypt cost, 4 to 31", in: PasswordHasher.costRange, \.bcryptCost),
        .integer("bcrypt-threads", "Threads that hash passwords", in: 1...256, \.bcryptThreads, defaultValue: "one per core"),
        .integer("bcrypt-nice", "Nice value of the password-hashing threads, 0 to 19", in: 0...19, \.bcryptNice),
        .boolean("open-registration", "true: anyone may register; false: POST /users needs an admin token", \.openRegistration),
        .boolean(
            "open-client-registration", "true: anyone may register a public client at POST /register; false: 403",
            \.openClientRegistration),
        Setting(
            name: "log-level", summary: "trace, debug, info, notice, warning, error or critical",
            defaultValue: ServerSettings().logLevel.rawValue, valueName: nil
        ) { text, settings throws(Refusal) in
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw Refusal(reason: " must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
            }
            settings.logLevel = level
        },
        Setting(
            name: "log-format", summary: "text or json: one line per event on standard error",
            defaultValue: ServerSettings().logFormat.rawValue, valueName: nil
        ) { text, settings throws(Refusal) in
            guard let format = ServerSettings.LogFormat(rawValue: text.lowercased()) else {
                throw Refusal(reason: " must be text or json, not '\(text)'")
            }
            settings.logFormat = format
        },
        Setting(
            name: "cors-origins",
            summary: "Comma-separated browser origins allowed to call the API, e.g. https://app.example.com",
            defaultValue: "none (CORS off)", valueName: "list"
        ) { text, settings throws(Refusal) in
            settings.corsOrigins = try list(text) { origin throws(Refusal) in
                guard origin.hasPrefix("http://") || origin.hasPrefix("https://"), !origin.hasSuffix("/") else {
                    throw Refusal(reason: ": '\(origin)' is not an origin like https://app.example.com")
                }
                return origin
            }
        },
        Setting(
            name: "public-url",
            summary:
                "The URL users reach this server at, e.g. https://tasks.example.com: the built-in clients' redirect URIs and the OAuth issuer",
            defaultValue: "http://HOST:PORT", valueName: "url"
        ) { text, settings throws(Refusal) in
            settings.configuredPublicURL = try publicURL(text)
        },
        .integer(
            "shutdown-timeout", "Seconds SIGTERM/SIGINT wait for requests in flight before stopping anyway", in: 0...3600,
            \.shutdownTimeout),
        Setting(
            name: "trusted-proxies",
            summary: "Comma-separated proxy addresses or networks whose X-Forwarded-For is believed",
            defaultValue: "none", valueName: "list"
        ) { text, settings throws(Refusal) in
            settings.trustedProxies = try list(text) { item throws(Refusal) in
                guard let network = IPNetwork(item) else { throw Refusal(reason: ": '\(item)' is not an IP address or network") }
                return network
            }
        },
        Setting(
            name: "secrets-key",
            summary: "32 bytes, base64 (e.g. `openssl rand -base64 32`): TOTP secrets and private signing keys are encrypted at rest with it",
            defaultValue: "none, stored unencrypted", valueName: "key"
        ) { text, settings throws(Refusal) in
            guard let key = SecretBox.parseKey(text) else {
                throw Refusal(reason: " must be 32 bytes in base64, e.g. the output of `openssl rand -base64 32`")
            }
            settings.secretsKey = key
        },
        Setting(
            name: "docs-assets",
            summary: "Folder with swagger-ui-bundle.js, swagger-ui.css and redoc.standalone.js for /docs and /redoc",
            defaultValue: "the folder scripts/fetch-docs-assets fills by default ("
                + (DocsPages.defaultDirectory(environment: ProcessInfo.processInfo.environment) ?? "none without HOME")
                + ") when it holds them; else the public CDN",
            valueName: "dir"
        ) { text, settings throws(Refusal) in
            settings.docsAssets = text
        },
    ]

    private static let tokenLifetimes = 1...(10 * 365 * 86_400)

    /// An absolute http(s) URL with a host and no query or fragment; a trailing `/` is dropped.
    static func publicURL(_ text: String) throws(Refusal) -> String {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let parts = URLComponents(string: trimmed), parts.scheme == "https" || parts.scheme == "http",
            let host = parts.host, !host.isEmpty, parts.query == nil, parts.fragment == nil, parts.user == nil,
            !trimmed.contains(where: { $0.isWhitespace })
        else { throw Refusal(reason: ": '\(text)' is not a URL like https://tasks.example.com") }
        return trimmed
    }
}
