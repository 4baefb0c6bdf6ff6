import Foundation

/// Login-throttle state, in the database so that every server process on it shares it.
struct ThrottleRepository: Sendable {
    let database: AppDatabase

    /// Seconds until both the username (when there is one) and the address may try again; `nil`
    /// when neither is locked.
    func lockRemaining(usernameKey: String?, address: String, policy: ThrottlePolicy, now: Date) async throws -> TimeInterval? {
        let nowMicros = Microseconds.from(now)
        let (userLock, addressLock) = try await database.read { sql -> (Int64?, Int64?) in
            var user: Int64?
            if let usernameKey {
                user = try await sql.first(
                    "SELECT locked_until FROM login_throttle_users WHERE username_key = \(bind: usernameKey)", { try $0.int64(0) })
            }
            // The address is locked while `maxFailures` of its failures are inside the window: until
            // the oldest of the newest `maxFailures` leaves it.
            let nth = try await sql.first(
                """
                SELECT failed_at FROM login_throttle_addresses
                WHERE address = \(bind: address) AND failed_at > \(bind: nowMicros - Int64(policy.addressWindow * 1_000_000))
                ORDER BY failed_at DESC LIMIT 1 OFFSET \(bind: policy.addressMaxFailures - 1)
                """, { try $0.int64(0) })
            return (user, nth.map { $0 + Int64(policy.addressWindow * 1_000_000) })
        }
        let until = [userLock, addressLock].compactMap { $0 }.filter { $0 > nowMicros }.max()
        return until.map { Double($0 - nowMicros) / 1_000_000 }
    }

    /// Counts a failed attempt against the username (when there is one) and the address. The count is
    /// one upsert, so failures arriving at once (in any process) are all counted.
    func recordFailure(usernameKey: String?, address: String, policy: ThrottlePolicy, now: Date) async throws {
        let nowMicros = Microseconds.from(now)
        let forgottenBefore = nowMicros - Int64(policy.forgetAfter * 1_000_000)
        try await database.write { sql in
            if let usernameKey {
                try await Self.countUserFailure(usernameKey, policy: policy, now: nowMicros, forgottenBefore: forgottenBefore, on: sql)
            }
            try await sql.execute(
                "INSERT INTO login_throttle_addresses (address, failed_at) VALUES (\(bind: address), \(bind: nowMicros))")
            try await sql.execute(
                "DELETE FROM login_throttle_addresses WHERE failed_at <= \(bind: nowMicros - Int64(policy.addressWindow * 1_000_000))")
        }
    }

    /// One more failure of a username; at `userMaxFailures`, its lock.
    private static func countUserFailure(
        _ usernameKey: String, policy: ThrottlePolicy, now nowMicros: Int64, forgottenBefore: Int64, on sql: SQLConnection
    ) async throws {
        // A username's count starts again after a quiet spell.
        let failures =
            try await sql.first(
                """
                INSERT INTO login_throttle_users (username_key, failures, last_failure_at, locked_until)
                VALUES (\(bind: usernameKey), 1, \(bind: nowMicros), 0)
                ON CONFLICT (username_key) DO UPDATE SET
                    failures = CASE WHEN login_throttle_users.last_failure_at < \(bind: forgottenBefore)
                        THEN 1 ELSE login_throttle_users.failures + 1 END,
                    locked_until = CASE WHEN login_throttle_users.last_failure_at < \(bind: forgottenBefore)
                        THEN 0 ELSE login_throttle_users.locked_until END,
                    last_failure_at = excluded.last_failure_at
                RETURNING failures
                """, { try $0.int(0) }) ?? 1
        if failures >= policy.userMaxFailures {
            let lockedUntil = nowMicros + Int64(policy.userLock(afterFailures: failures) * 1_000_000)
            try await sql.execute(
                """
                UPDATE login_throttle_users SET locked_until = \(bind: lockedUntil)
                WHERE username_key = \(bind: usernameKey)
                """)
        }
    }

    /// A successful login clears the username's count (not the address's window).
    func recordSuccess(usernameKey: String) async throws {
        try await database.write { sql in
            try await sql.execute("DELETE FROM login_throttle_users WHERE username_key = \(bind: usernameKey)")
        }
    }
}

/// The contract's throttling rules; configurable for tests and operators.
struct ThrottlePolicy: Sendable, Equatable {
    var userMaxFailures = 5
    var userLockSeconds: TimeInterval = 60
    var userLockMaxSeconds: TimeInterval = 15 * 60
    var forgetAfter: TimeInterval = 15 * 60
    var addressMaxFailures = 50
    var addressWindow: TimeInterval = 10 * 60

    /// 60 s at the 5th failure, doubling for each further one, at most 15 minutes.
    func userLock(afterFailures failures: Int) -> TimeInterval {
        let doublings = min(max(failures - userMaxFailures, 0), 30)
        return min(userLockMaxSeconds, userLockSeconds * pow(2, Double(doublings)))
    }
}

