import ArgumentParser

// The commands' flags for the settings of `Setting.all`: one line each, its name the setting's
// (ArgumentParser spells `accessTokenTTL` as `--access-token-ttl`), its help the setting's. The
// values are read by `SettingFlags.settings(environment:)`; `SettingsTests` fails when a flag and
// a setting do not match.

/// `serve`'s flags.
struct ServerOptions: SettingFlags {
    @OptionGroup var database: DatabaseOptions
    @Option(help: Setting.help("host")) var host: String?
    @Option(help: Setting.help("port")) var port: String?
    @Option(help: Setting.help("jwt-secret")) var jwtSecret: String?
    @Option(help: Setting.help("signing-alg")) var signingAlg: String?
    @Option(help: Setting.help("access-token-ttl")) var accessTokenTTL: String?
    @Option(help: Setting.help("refresh-token-ttl")) var refreshTokenTTL: String?
    @Option(help: Setting.help("browser-session-idle")) var browserSessionIdle: String?
    @Option(help: Setting.help("browser-session-max")) var browserSessionMax: String?
    @OptionGroup var bcrypt: BcryptCostOption
    @Option(help: Setting.help("bcrypt-threads")) var bcryptThreads: String?
    @Option(help: Setting.help("bcrypt-nice")) var bcryptNice: String?
    @Option(help: Setting.help("open-registration")) var openRegistration: String?
    @Option(help: Setting.help("open-client-registration")) var openClientRegistration: String?
    @Option(help: Setting.help("log-level")) var logLevel: String?
    @Option(help: Setting.help("log-format")) var logFormat: String?
    @Option(help: Setting.help("cors-origins")) var corsOrigins: String?
    @Option(help: Setting.help("public-url")) var publicURL: String?
    @Option(help: Setting.help("shutdown-timeout")) var shutdownTimeout: String?
    @Option(help: Setting.help("trusted-proxies")) var trustedProxies: String?
    @Option(help: Setting.help("secrets-key")) var secretsKey: String?
    @Option(help: Setting.help("docs-assets")) var docsAssets: String?
}

/// The database's flags, shared by every command that opens it.
struct DatabaseOptions: SettingFlags {
    @Option(help: Setting.help("database-url")) var databaseURL: String?
    @Option(help: Setting.help("database-pool-size")) var databasePoolSize: String?
    @Option(help: Setting.help("database-timeout")) var databaseTimeout: String?
}

/// `--bcrypt-cost`: `serve` and the commands that set a password hash at it.
struct BcryptCostOption: SettingFlags {
    @Option(help: Setting.help("bcrypt-cost")) var bcryptCost: String?
}
