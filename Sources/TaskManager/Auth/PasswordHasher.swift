import Crypto
import Foundation
import HummingbirdBcrypt
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// bcrypt password hashing on a thread pool of its own.
///
/// bcrypt blocks its thread for ~200 ms at cost 12, so it never runs on an event loop or Swift's
/// cooperative pool, nor on the pool SQLite uses: a burst of logins cannot stall other requests.
///
/// bcrypt reads only the first 72 bytes of its input. To never truncate silently, the password is
/// NFKC-normalised, reduced with SHA-256 and base64-encoded (44 ASCII bytes) before bcrypt sees it
/// (the "bcrypt-sha256" construction): every byte of a 128-code-point password counts.
///
/// A service of the application: its threads stop at graceful shutdown, after the server's.
final class PasswordHasher: Service, Sendable {
    static let minimumLength = 8
    static let maximumLength = 128
    static let costRange = 4...31

    /// One thread per core: measured on 2 cores, a login storm then still leaves requests about
    /// two thirds of their throughput, and fewer threads or a lower priority starve logins instead.
    static var defaultThreads: Int { System.coreCount }

    /// Measured in BENCHMARKS.md: what keeps requests responsive during a login storm while
    /// logins keep most of their rate.
    static let defaultNice = 0

    let cost: Int
    private let nice: Int32
    private let pool: NIOThreadPool
    /// Where each hash and check is counted (`taskmanager_bcrypt_operations_total`); `nil` in commands.
    private let metrics: AppMetrics?
    /// Hashes running or waiting; past `capacity` a new one is refused at once (503) rather than
    /// queued behind seconds of others.
    private let pending = Atomic<Int>(0)
    let capacity: Int
    /// Checked against when the username is unknown, so that a miss costs what a hit costs.
    let dummyHash: String

    private init(cost: Int, nice: Int, pool: NIOThreadPool, dummyHash: String, capacity: Int, metrics: AppMetrics?) {
        self.cost = cost
        self.nice = Int32(nice)
        self.metrics = metrics
        self.pool = pool
        self.dummyHash = dummyHash
        self.capacity = capacity
    }

    /// - Parameters:
    ///   - threads: the pool's size; one per core by default.
    ///   - queueLimit: how many hashes may wait for a thread; `nil`: 32 per thread.
    static func start(cost: Int, threads: Int = defaultThreads, nice: Int = 0, queueLimit: Int? = nil, metrics: AppMetrics? = nil) async throws
        -> PasswordHasher
    {
        precondition(costRange.contains(cost), "bcrypt cost out of range")
        let threads = max(1, threads)
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        // A hash made at cost 4 and relabelled with the real cost: checking a password against it
        // costs what checking against a real one does (bcrypt reads the cost from the hash), and
        // the start does not wait a full-cost hash (~0.2 s at 12). It never matches anything.
        let cheap = try await pool.runIfActive { Bcrypt.hash(prehash(UUID().uuidString), cost: 4) }
        var dummy = cheap.replacingOccurrences(of: "$04$", with: String(format: "$%02d$", cost))
        if dummy == cheap, cost != 4 {  // not the expected "$2b$04$" form: pay for a real one
            dummy = try await pool.runIfActive { Bcrypt.hash(prehash(UUID().uuidString), cost: UInt8(cost)) }
        }
        return PasswordHasher(cost: cost, nice: nice, pool: pool, dummyHash: dummy, capacity: threads + (queueLimit ?? 32 * threads),
            metrics: metrics)
    }

    /// Runs `work` on the pool unless it is full; then throws `APIError.overloaded` at once.
    private func run<T: Sendable>(_ work: @Sendable @escaping () -> T) async throws -> T {
        guard pending.add(1, ordering: .relaxed).newValue <= capacity else {
            pending.subtract(1, ordering: .relaxed)
            throw APIError.overloaded
        }
        defer { pending.subtract(1, ordering: .relaxed) }
        let nice = self.nice
        return try await pool.runIfActive {
            // Per thread on Linux (who = 0 is the calling thread), and a no-op once set.
            if nice > 0 { setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice) }
            return work()
        }
    }

    func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    /// Until graceful shutdown or cancellation, then the threads stop.
    func run() async {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// For a command that hashed once and exits.
    func shutdownNow() {
        pool.shutdownGracefully { _ in }
    }

    func hash(_ password: String) async throws -> String {
        let cost = UInt8(cost)
        metrics?.recordBcrypt(.hash)
        return try await run { Bcrypt.hash(Self.prehash(password), cost: cost) }
    }

    /// `false` for a wrong password, and for an unknown user (`hash == nil`) after the same work.
    func verify(_ password: String, against hash: String?) async throws -> Bool {
        metrics?.recordBcrypt(.verify)
        let stored = hash ?? dummyHash
        let matches = try await run { Bcrypt.verify(Self.prehash(password), hash: stored) }
        return hash != nil && matches
    }

    /// Composed and decomposed forms of the same text are the same password.
    static func normalize(_ password: String) -> String {
        password.precomposedStringWithCompatibilityMapping
    }

    /// Why `password` is not acceptable as a new password, or `nil` when it is.
    static func lengthProblem(_ password: String) -> String? {
        let length = normalize(password).unicodeScalars.count
        if length < minimumLength {
            return "Password must have at least \(minimumLength) characters (after NFKC normalisation)"
        }
        if length > maximumLength {
            return "Password must have at most \(maximumLength) characters (after NFKC normalisation)"
        }
        return nil
    }

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(normalize(password).utf8))).base64EncodedString()
    }
}
