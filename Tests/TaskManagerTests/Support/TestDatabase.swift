import Foundation
import Logging
import Testing

@testable import TaskManager

/// The engines the repository tests run on: SQLite in memory, and SQLite in a WAL file (with
/// separate reader connections, as the server runs it).
enum TestEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqliteMemory, sqliteFile
    var testDescription: String { rawValue }

    func withDatabase(_ body: (Database) async throws -> Void) async throws {
        switch self {
        case .sqliteMemory:
            let database = try await Database.open(.sqliteMemory, logger: Logger(label: "test"))
            try await Migrations.run(on: database)
            do { try await body(database) } catch {
                await database.close()
                throw error
            }
            await database.close()
        case .sqliteFile:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tm-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let database = try await Database.open(
                .sqliteFile(path: directory.appendingPathComponent("test.sqlite").path), logger: Logger(label: "test"))
            try await Migrations.run(on: database)
            do { try await body(database) } catch {
                await database.close()
                throw error
            }
            await database.close()
        }
    }
}

func makeUser(_ name: String, at date: Date = Microseconds.now()) -> User {
    User(
        id: UUID().uuidString.lowercased(), username: name, email: nil, fullName: nil, passwordHash: "$2b$04$x",
        isActive: true, isAdmin: false, createdAt: date)
}

func makeTask(owner: String, title: String, at microseconds: Int64, done: Bool = false, priority: Priority = .normal, due: String? = nil)
    -> TaskItem
{
    let date = Microseconds.date(microseconds)
    return TaskItem(
        id: UUID().uuidString.lowercased(), ownerID: owner, title: title, description: "", done: done,
        priority: priority, dueDate: due, createdAt: date, updatedAt: date)
}

/// A SQLite file in a fresh folder, with an account made the way `taskmanager user create` makes
/// one (the only way to make an admin), for tests that need one.
func withSeededFile(
    admin: String? = nil, password: String = "correct horse battery", _ body: (String) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tm-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("seeded.sqlite").path
    let database = try await Database.open(.sqliteFile(path: path), logger: Logger(label: "test"))
    try await Migrations.run(on: database)
    if let admin {
        let hasher = try await PasswordHasher.start(cost: 4, threads: 1)
        _ = try await AccountService(users: UserRepository(database: database), hasher: hasher)
            .register(.init(username: admin, password: password, isAdmin: true))
        await hasher.shutdown()
    }
    await database.close()
    try await body(path)
}
