import ArgumentParser
import Foundation

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the JWT signing keys kept in the database.", subcommands: [RotateKeysCommand.self])
}

/// `keys rotate`'s flags: the database, the algorithm of the new key and the key that seals it.
struct RotateKeysOptions: SettingFlags {
    @OptionGroup var database: DatabaseOptions
    @Option(help: Setting.help("signing-alg")) var signingAlg: String?
    @Option(help: Setting.help("secrets-key")) var secretsKey: String?
}

struct RotateKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Add a new signing key that new tokens and ID tokens use.",
        discussion: """
            The new key has the algorithm of the key that signs now, unless --signing-alg names another. \
            The previous keys stay in the JWK Set and verify the tokens they signed until those expire. \
            Running servers pick the new key up within a second. Access tokens of servers started with \
            TASKMANAGER_JWT_SECRET stay HS256; their ID tokens use the new key. Give the --secrets-key \
            the servers run with, so the new private key is sealed as the others are.
            """)

    @OptionGroup var options: RotateKeysOptions

    func run() async throws {
        let settings: ServerSettings
        do { settings = try options.settings(environment: ProcessInfo.processInfo.environment) } catch { throw fail(error.description) }
        // The signing key's algorithm, unless --signing-alg (or its variable) names another.
        let named = options.signingAlg != nil || ProcessInfo.processInfo.environment["TASKMANAGER_SIGNING_ALG"] != nil
        try await withDatabase(options.database) { db in
            let keys = SigningKeyRepository(database: db, box: SecretBox(key: settings.secretsKey))
            if settings.secretsKey == nil, try await keys.anySealed() {
                throw fail("the stored signing keys are encrypted: give the --secrets-key (or TASKMANAGER_SECRETS_KEY) the servers run with")
            }
            // The stored keys must open with this key, or the new one would be sealed with a key the servers do not have.
            do { _ = try await keys.all() } catch let failure as SigningKeyRepository.Failure { throw fail(failure.description) }
            let current = try await keys.signingAlgorithm()
            let algorithm = named ? settings.signingAlgorithm : current ?? settings.signingAlgorithm
            let key = try SigningKey.generate(algorithm)
            try await keys.rotate(to: key, now: Microseconds.now())
            print("New \(algorithm.rawValue) signing key \(key.kid); the previous keys verify until their tokens expire.")
        }
    }
}
