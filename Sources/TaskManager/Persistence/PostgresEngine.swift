import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// PostgreSQL through postgres-nio's connection pool. Many server processes may share the database:
/// writes are ordinary transactions (row locks and unique constraints settle races), and the few
/// that must not interleave with another process take a transaction-scoped advisory lock.
/// The pool runs as a service of the application (see `AppDatabase.run()`).
final class PostgresEngine: Sendable {
    private let client: PostgresClient
    private let target: PostgresTarget
    private let acquireTimeout: Duration
    private let logger: Logger
    private let leased = Atomic<Int>(0)
    /// Whether `run()` has begun: the application starts the pool and its first query (the start's
    /// migrations) side by side, and a lease asked for before the pool runs makes
    /// postgres-nio log a warning, a second line on a start that fails.
    private let running = Atomic<Bool>(false)

    /// Connections lent out right now (the pool keeps more open when idle).
    var connectionCount: Int { leased.load(ordering: .relaxed) }

    /// The pool, not yet connecting: that starts with `run()`.
    init(_ target: PostgresTarget, pool: ConnectionPoolSettings, logger: Logger) {
        var configuration = PostgresClient.Configuration(
            host: target.host, port: target.port, username: target.username, password: target.password,
            database: target.database, tls: Self.tls(target.tls))
        configuration.options.maximumConnections = pool.size
        configuration.options.connectTimeout = pool.timeout
        configuration.options.additionalStartupParameters = [("application_name", "taskmanager")]
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.target = target
        acquireTimeout = pool.timeout
        // Quiet below warnings: postgres-nio logs statements with their binds (the signing key) at debug.
        var queryLogger = logger
        queryLogger.logLevel = max(logger.logLevel, .warning)
        self.logger = queryLogger
    }

    /// The pool, until graceful shutdown or cancellation.
    func run() async {
        running.store(true, ordering: .releasing)
        await client.run()
    }

    /// One connection of its own, not the pool's: the pool retries in the background and logs each
    /// attempt, where a start wants the first attempt's cause in one sentence.
    func checkReachable() async throws {
        var configuration = PostgresConnection.Configuration(
            host: target.host, port: target.port, username: target.username, password: target.password,
            database: target.database, tls: try Self.connectionTLS(target.tls))
        configuration.options.connectTimeout = TimeAmount(acquireTimeout)
        configuration.options.additionalStartupParameters = [("application_name", "taskmanager")]
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw AppDatabase.Failure.unavailable(
                "cannot reach PostgreSQL at \(target.host):\(target.port) (database \(target.database ?? target.username), "
                    + "user \(target.username)): \(Self.cause(of: error))")
        }
    }

    /// Why a connection failed, in words: the system's for a socket error, the server's own message.
    static func cause(of error: any Error) -> String {
        switch error {
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] { return message }
            if error.code == .sslUnsupported { return "the server does not offer TLS, which sslmode asks for" }
            return error.underlying.map(cause(of:)) ?? "\(error.code)"
        case let error as NIOConnectionError:
            if let failure = error.connectionErrors.first { return cause(of: failure.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "the host name \(error.host) could not be resolved" }
            return "no address to connect to"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case ChannelError.connectTimeout(let timeout):
            return "no answer within \(Duration.nanoseconds(timeout.nanoseconds)) (a host that does not answer, or a name the resolver could not look up in time)"
        case let error as NIOSSLError:
            return "TLS: \(error)"
        default:
            return "\(error)"
        }
    }

    private static func connectionTLS(_ mode: PostgresTarget.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        guard let settings = tlsSettings(mode) else { return .disable }
        let context = try NIOSSLContext(configuration: settings.configuration)
        return settings.required ? .require(context) : .prefer(context)
    }

    /// What sslmode asks for: no TLS; TLS without checking the certificate (`prefer`, `require`,
    /// as libpq does), required or not; or TLS checked against the system's roots.
    private static func tlsSettings(_ mode: PostgresTarget.TLSMode) -> (configuration: TLSConfiguration, required: Bool)? {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        switch mode {
        case .disable: return nil
        case .prefer: return (unverified, false)
        case .require: return (unverified, true)
        case .verifyFull: return (.makeClientConfiguration(), true)
        }
    }

    private static func tls(_ mode: PostgresTarget.TLSMode) -> PostgresClient.Configuration.TLS {
        guard let settings = tlsSettings(mode) else { return .disable }
        return settings.required ? .require(settings.configuration) : .prefer(settings.configuration)
    }

    /// Statements outside a transaction: reads, and single write statements (`AppDatabase.writeStatement`).
    func read<T: Sendable>(_ body: @Sendable (SQLConnection) async throws -> T) async throws -> T {
        let logger = self.logger
        return try await withConnection { connection in try await body(.postgres(connection, logger: logger)) }
    }

    /// Holds one connection that listens on `channel`: `listening` once it does, `heard` for each
    /// notification, until cancelled or the connection fails (thrown).
    func listen(on channel: String, listening: @Sendable () -> Void, heard: @Sendable () -> Void) async throws {
        try await withConnection { connection in
            try await connection.listen(on: channel) { notifications in
                listening()
                for try await _ in notifications { heard() }
            }
        }
    }

    /// Readiness: answered within a second at most, as load balancers' probes expect.
    func ping() async -> Bool {
        let logger = self.logger
        let answer = try? await withConnection(timeout: min(acquireTimeout, .seconds(1))) { connection in
            try await SQLConnection.postgres(connection, logger: logger).first("SELECT 1") { try $0.int64(0) }
        }
        return answer != nil
    }

    /// A transaction on one leased connection; `exclusive` ones take the advisory lock, plain ones
    /// run beside each other and beside other processes' writes.
    func write<T: Sendable>(exclusive: Bool, _ body: @Sendable (SQLConnection) async throws -> T) async throws -> T {
        let logger = self.logger
        return try await withConnection { connection in
            try await transaction(on: .postgres(connection, logger: logger), exclusive: exclusive, body)
        }
    }

    /// Leases a connection, waiting at most `acquireTimeout` for one: while the server is down the
    /// pool keeps retrying in the background, and requests get `unavailable` (503) instead of hanging.
    /// Once a connection is leased, the statements run to their end, so an acknowledged write is never
    /// reported as failed by the timer.
    private func withConnection<T: Sendable>(
        timeout: Duration? = nil, _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let state = LeaseState()
        let client = self.client
        let timeout = timeout ?? acquireTimeout
        return try await Self.mapErrors {
            try await withoutActuallyEscaping(body) { body in
                try await withThrowingTaskGroup(of: T?.self) { group in
                    group.addTask {
                        do {
                            // Only before the pool runs (the first moments of a start); under the timer.
                            while !self.running.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(5)) }
                            return try await client.withConnection { connection in
                                guard state.claim(.leased) else { throw AppDatabase.Failure.unavailable("no database connection in time") }
                                self.leased.add(1, ordering: .relaxed)
                                defer { self.leased.subtract(1, ordering: .relaxed) }
                                return try await body(connection)
                            }
                        } catch {
                            // Never leased: the pool could not connect, was closed, or gave up.
                            guard state.isLeased else { throw AppDatabase.Failure.unavailable("no database connection: \(error)") }
                            throw error
                        }
                    }
                    group.addTask {
                        try? await Task.sleep(for: timeout)
                        guard !state.claim(.gaveUp) else {
                            throw AppDatabase.Failure.unavailable("no database connection within \(timeout)")
                        }
                        return nil
                    }
                    while let result = try await group.next() {
                        if let result {
                            group.cancelAll()
                            return result
                        }
                    }
                    throw AppDatabase.Failure.unavailable("no database connection")
                }
            }
        }
    }

    /// Server errors become the two failures the rest of the application acts on; connection-level
    /// errors and the server's "cannot serve now" classes are `unavailable`. Also applied to each
    /// statement (`SQLConnection`), so that a repository can catch a constraint's failure inside
    /// its transaction and answer for it.
    static func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            guard error.code == .server, let state = error.serverInfo?[.sqlState] else {
                throw AppDatabase.Failure.unavailable("\(error.code)")
            }
            if state == "23505" { throw AppDatabase.Failure.uniqueViolation }
            if state == "23503" { throw AppDatabase.Failure.foreignKeyViolation }
            // 08 connection, 40 rollback (serialization, deadlock), 53 resources, 57 shutdown, 58 I/O.
            if ["08", "40", "53", "57", "58"].contains(String(state.prefix(2))) {
                throw AppDatabase.Failure.unavailable("PostgreSQL \(state): \(error.serverInfo?[.message] ?? "")")
            }
            throw error
        }
    }
}

/// Who won the race between a leased connection and the timer.
private final class LeaseState: Sendable {
    enum Outcome: Int { case waiting = 0, leased = 1, gaveUp = 2 }
    private let value = Atomic<Int>(Outcome.waiting.rawValue)

    /// `true` when this call decided the outcome.
    func claim(_ outcome: Outcome) -> Bool {
        value.compareExchange(expected: Outcome.waiting.rawValue, desired: outcome.rawValue, ordering: .acquiringAndReleasing)
            .exchanged
    }

    var isLeased: Bool { value.load(ordering: .acquiring) == Outcome.leased.rawValue }
}
