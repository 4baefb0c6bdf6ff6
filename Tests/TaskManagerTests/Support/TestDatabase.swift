import Foundation
import Logging
import Testing

@testable import TaskManager

/// The engines the repository tests run on: SQLite in memory, SQLite in a WAL file (with separate
/// reader connections, as the server runs it), and PostgreSQL when `TASKMANAGER_TEST_POSTGRES_URL`
/// names a server (a fresh database per test).
enum TestEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqliteMemory, sqliteFile, postgres
    var testDescription: String { rawValue }

    /// The engines this run can use.
    static var available: [TestEngine] { allCases.filter { $0 != .postgres || TestPostgres.target != nil } }

    /// The engines for tests that need a database several apps or connections share.
    static var shared: [TestEngine] { available.filter { $0 != .sqliteMemory } }

    func withDatabase(_ body: (AppDatabase) async throws -> Void) async throws {
        try await withEmptyDatabase { url in
            try await AppDatabase.withRunning(url, pool: TestPostgres.pool, logger: Logger(label: "test")) { database in
                try await Migrations.run(on: database)
                try await body(database)
            }
        }
    }

    /// A new, empty database of this engine (a file in a fresh folder, or a new PostgreSQL
    /// database), removed afterwards.
    func withEmptyDatabase(_ body: (DatabaseURL) async throws -> Void) async throws {
        switch self {
        case .sqliteMemory:
            try await body(.sqliteMemory)
        case .sqliteFile:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tm-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(.sqliteFile(path: directory.appendingPathComponent("test.sqlite").path))
        case .postgres:
            try await TestPostgres.withDatabase(body)
        }
    }
}

/// The PostgreSQL server of `TASKMANAGER_TEST_POSTGRES_URL` (a role that may create databases):
/// each test gets a database of its own, dropped afterwards.
enum TestPostgres {
    static let url = ProcessInfo.processInfo.environment["TASKMANAGER_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let target: PostgresTarget? = {
        let target = url.flatMap { try? PostgresTarget.parse($0) }
        _ = RunSummary.note(
            "PostgreSQL: the engine-parameterised tests on it too, and two server processes on one database",
            missing: target != nil ? nil : url == nil ? "TASKMANAGER_TEST_POSTGRES_URL is not set" : "TASKMANAGER_TEST_POSTGRES_URL is not a postgres:// URL",
            requiredInCI: false)
        return target
    }()
    static let skipped = "TASKMANAGER_TEST_POSTGRES_URL is not set: the PostgreSQL tests are skipped"
    /// Small pools: many tests run at once against one server. The wait is long because the test
    /// process, not PostgreSQL, is the bottleneck: with every test running at once on two cores,
    /// transactions sit idle for seconds waiting for their next statement (pg_stat_activity shows
    /// them in ClientRead), and a test's own connections queue behind them.
    static let pool = ConnectionPoolSettings(size: 4, timeout: .seconds(60))

    /// A new empty database on the server; `body` gets its URL.
    static func withDatabase(_ body: (DatabaseURL) async throws -> Void) async throws {
        let admin = try #require(target, "\(skipped)")
        let name = "tm_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        // The wait as long as the tests' own (`pool`): under a full parallel run a new connection
        // to the server has taken over 10 s to open.
        try await AppDatabase.withRunning(.postgres(admin), pool: ConnectionPoolSettings(size: 1, timeout: pool.timeout), logger: Logger(label: "test")) { server in
            try await server.read { try await $0.execute("CREATE DATABASE \(unsafeRaw: name)") }
            var target = admin
            target.database = name
            do { try await body(.postgres(target)) } catch {
                try? await server.read { try await $0.execute("DROP DATABASE \(unsafeRaw: name) WITH (FORCE)") }
                throw error
            }
            try await server.read { try await $0.execute("DROP DATABASE \(unsafeRaw: name) WITH (FORCE)") }
        }
    }

    /// The URL text of a database, for a server process's `--database-url`.
    static func urlText(_ url: DatabaseURL) -> String {
        guard case .postgres(let target) = url else { return "" }
        var text = "postgres://\(target.username)"
        if let password = target.password { text += ":\(password)" }
        return text + "@\(target.host):\(target.port)/\(target.database ?? "")?sslmode=\(target.tls.rawValue)"
    }
}

func makeUser(_ name: String, at date: Date = Microseconds.now()) -> User {
    User(
        id: UUID().uuidString.lowercased(), username: name, email: nil, fullName: nil, passwordHash: "$2b$04$x",
        isActive: true, isAdmin: false, createdAt: date)
}

/// The id of `userID`'s default list, which `POST /tasks` without `list_id` takes from the session.
func homeListID(of userID: String, in db: AppDatabase) async throws -> String {
    try #require(
        try await db.read { sql in
            try await sql.first("SELECT id FROM lists WHERE owner_id = \(bind: userID) AND is_default") { try $0.string(0) }
        })
}

extension TaskRepository {
    /// `task` in `owner`'s default list, as `POST /tasks` without `list_id` places it.
    func create(_ task: TaskItem, inHomeOf owner: String) async throws -> TaskItem {
        try await create(task, inHome: try await homeListID(of: owner, in: database))
    }
}

/// A task made by `author`; the list is the repository's to set (`TaskRepository.create(_:in:caller:)`).
func makeTask(by author: String, title: String, at microseconds: Int64, done: Bool = false, priority: Priority = .normal, due: String? = nil)
    -> TaskItem
{
    let date = Microseconds.date(microseconds)
    return TaskItem(
        id: UUID().uuidString.lowercased(), listID: "", createdBy: author, title: title, description: "", done: done,
        priority: priority, dueDate: due, createdAt: date, updatedAt: date)
}

/// A fresh database of each shared engine (a SQLite file; PostgreSQL when configured), with an
/// account made the way `taskmanager user create` makes one (the only way to make an admin), for
/// tests that need one or that open the database beside the app.
func withSeededDatabase(
    admin: String? = nil, password: String = "correct horse battery", _ body: (DatabaseURL) async throws -> Void
) async throws {
    for engine in TestEngine.shared {
        try await engine.withEmptyDatabase { url in
            try await AppDatabase.withRunning(url, pool: TestPostgres.pool, logger: Logger(label: "test")) { database in
                try await Migrations.run(on: database)
                if let admin {
                    let hasher = try await PasswordHasher.start(cost: 4, threads: 1)
                    _ = try await AccountService(users: UserRepository(database: database), hasher: hasher)
                        .register(.init(username: admin, password: password, isAdmin: true))
                    await hasher.shutdown()
                }
            }
            try await body(url)
        }
    }
}

/// `body` with every one of `databases` running.
func whileRunning<T: Sendable>(_ databases: some Collection<AppDatabase>, _ body: () async throws -> T) async throws -> T {
    guard let first = databases.first else { return try await body() }
    return try await first.whileRunning { try await whileRunning(databases.dropFirst(), body) }
}

/// The server's dependencies, running and prepared as the application runs them, for `body`;
/// stopped afterwards.
func withDependencies<T: Sendable>(
    _ config: ServerSettings, clock: AppClock = .system, _ body: (Dependencies) async throws -> T
) async throws -> T {
    let dependencies = try await Dependencies.make(config, clock: clock, logger: Logger(label: "test"))
    do {
        let result = try await dependencies.database.whileRunning {
            try await dependencies.prepare()
            return try await body(dependencies)
        }
        await dependencies.hasher.shutdown()
        return result
    } catch {
        await dependencies.hasher.shutdown()
        throw error
    }
}
