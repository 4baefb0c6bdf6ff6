import ArgumentParser
import Foundation

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the JWT signing keys kept in the database.", subcommands: [RotateKeysCommand.self])
}

struct RotateKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Add a new signing key that new tokens use.",
        discussion: """
            Tokens signed with the previous keys stay valid until they expire. Running servers pick the \
            new key up within a second. Has no effect on servers started with TASKMANAGER_JWT_SECRET.
            """)

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await withDatabase(database) { db in
            let key = SigningKeyRepository.StoredKey.generate(at: Microseconds.now())
            try await SigningKeyRepository(database: db).rotate(to: key)
            print("New signing key \(key.kid); the previous keys verify until their tokens expire.")
        }
    }
}
