import Crypto
import Foundation
import Logging

/// Every setting of the server, resolved once at start (see `Setting` for where each comes from).
/// The defaults here are the ones `--help` and the README state.
struct ServerSettings: Sendable {
    var databaseURL: DatabaseURL = .sqliteFile(path: "taskmanager.sqlite")
    var connectionPool = ConnectionPoolSettings()
    var host = "127.0.0.1"
    var port = 8000
    /// `--jwt-secret`: access tokens are HS256 with it; `nil`: signed with the asymmetric key.
    var jwtSecret: String? = nil
    /// `--signing-alg`: the algorithm of the asymmetric key kept in the database.
    var signingAlgorithm = SigningAlgorithm.rs256
    var accessTokenTTL = 900
    var refreshTokenTTL = 1_209_600
    /// A browser sign-in session ends after this many seconds unused, and this many after sign-in however used.
    var browserSessionIdle = 28_800
    var browserSessionMax = 604_800
    var bcryptCost = 12
    /// Threads that hash passwords.
    var bcryptThreads = PasswordHasher.defaultThreads
    /// The nice value of those threads (0 to 19): how much they yield to request handling under load.
    var bcryptNice = PasswordHasher.defaultNice
    var openRegistration = true
    /// `POST /register` (RFC 7591): anyone may register a public client.
    var openClientRegistration = true
    var logLevel: Logger.Level = .info
    var logFormat = LogFormat.text
    /// `--public-url`: the address users reach the server at (behind a proxy, its https one); `nil`: `http://HOST:PORT`.
    var configuredPublicURL: String? = nil
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
    /// `--secrets-key`: seals TOTP secrets and private signing keys at rest; `nil`: they are stored unencrypted.
    var secretsKey: SymmetricKey? = nil
    /// `--docs-assets`: the folder `/docs` and `/redoc` load their files from (read at start-up; it
    /// must hold them); `nil`: `docsAssetsDefault`.
    var docsAssets: String? = nil
    /// Without `--docs-assets`: the folder `scripts/fetch-docs-assets` fills by default, from this
    /// process's `XDG_CACHE_HOME` or `HOME` (`DocsPages.defaultDirectory`); used when it holds the
    /// files, else (and when `nil`) the pages load them from the CDN.
    var docsAssetsDefault: String? = DocsPages.defaultDirectory(environment: ProcessInfo.processInfo.environment)

    /// Where the built-in clients' redirect URIs point and what `issuer` says, without a trailing `/`.
    var publicURL: String { configuredPublicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    static let minimumSecretBytes = 32

    enum LogFormat: String, Sendable { case text, json }

    /// A setting the server refuses to start with; its description is the one line printed.
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }
}
