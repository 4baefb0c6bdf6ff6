import ArgumentParser
import Foundation
import Logging

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create the database or bring its schema up to date, then exit.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await withDatabase(database, migrated: false) { db in
            let applied = try await Migrations.run(on: db)
            print(applied.isEmpty ? "The database is up to date." : "Applied migrations: \(applied.map(String.init).joined(separator: ", ")).")
        }
    }
}

/// Opens the database of `options`, migrated unless told otherwise, for one command; a failure is
/// one line on stderr.
func withDatabase<T: Sendable>(
    _ options: DatabaseOptions, migrated: Bool = true, _ body: @Sendable (AppDatabase) async throws -> T
) async throws -> T {
    let url: DatabaseURL
    let pool: ConnectionPoolSettings
    do {
        let settings = try options.settings(environment: ProcessInfo.processInfo.environment)
        url = settings.databaseURL
        pool = settings.connectionPool
    } catch {
        throw fail(error.description)
    }
    let database: AppDatabase
    do {
        database = try AppDatabase(url, readerCount: 1, pool: pool, logger: Logger(label: "taskmanager"))
    } catch {
        throw fail("\(error)", code: 1)
    }
    return try await database.whileRunning {
        do {
            try await database.checkReachable()
            if migrated { try await Migrations.run(on: database) }
        } catch {
            throw fail("\(error)", code: 1)
        }
        return try await body(database)
    }
}
