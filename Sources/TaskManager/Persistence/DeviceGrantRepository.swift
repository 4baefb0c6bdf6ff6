import Foundation

/// Device requests (RFC 8628), kept by the device code's hash. Each change of status is one
/// conditional statement, so two processes (or two racing polls) never both win it.
struct DeviceGrantRepository: Sendable {
    let database: AppDatabase

    /// Stores a new request; `false` when its user code is taken by a live one (make another).
    func create(deviceCodeHash: String, _ grant: DeviceGrant, now: Date) async throws -> Bool {
        do {
            try await database.write { sql in
                // Requests a day past their time are no use to anyone, their denial included.
                try await sql.execute("DELETE FROM device_grants WHERE expires_at <= \(bind: Microseconds.from(now) - 86_400_000_000)")
                try await sql.execute(
                    """
                    INSERT INTO device_grants (device_code_hash, user_code, client_id, scope, interval_seconds, created_at, expires_at, status)
                    VALUES (\(bind: deviceCodeHash), \(bind: grant.userCode), \(bind: grant.clientID), \(bind: Scope.joined(grant.scopes)),
                            \(bind: grant.interval), \(bind: Microseconds.from(now)), \(bind: Microseconds.from(grant.expiresAt)), 'pending')
                    """)
            }
            return true
        } catch AppDatabase.Failure.uniqueViolation {
            return false
        }
    }

    /// The live request a person's code names: pending and not expired.
    func pending(userCode: String, now: Date) async throws -> (deviceCodeHash: String, grant: DeviceGrant)? {
        try await database.read { sql in
            try await sql.first(
                """
                SELECT device_code_hash, \(unsafeRaw: Self.columns) FROM device_grants
                WHERE user_code = \(bind: userCode) AND status = 'pending' AND expires_at > \(bind: Microseconds.from(now))
                """, { (try $0.string(0), try Self.decode($0, from: 1)) })
        }
    }

    /// The person's answer: `true` when the request was still pending and unexpired (a second
    /// answer, or one after expiry, changes nothing).
    func answer(deviceCodeHash: String, approvedBy user: User?, amr: [AuthMethod], authTime: Date? = nil, now: Date) async throws -> Bool {
        let status = user == nil ? DeviceGrant.Status.denied : .approved
        return try await database.write { sql in
            try await sql.first(
                """
                UPDATE device_grants SET status = \(bind: status.rawValue), user_id = \(bind: user?.id),
                       amr = \(bind: amr.map(\.rawValue).joined(separator: " ")), auth_time = \(bind: authTime.map(Microseconds.from))
                WHERE device_code_hash = \(bind: deviceCodeHash) AND status = 'pending'
                      AND expires_at > \(bind: Microseconds.from(now))
                RETURNING device_code_hash
                """, { try $0.string(0) }) != nil
        }
    }

    enum Poll: Sendable, Equatable {
        case unknown, pending, slowDown, denied, expired
        /// This poll took the approval: the one token answer.
        case approved(userID: String, scopes: [Scope], amr: [AuthMethod], authTime: Date?)
    }

    /// A device asks how its request stands (RFC 8628 §3.5). Sooner than its interval after its
    /// last poll, while pending: `slowDown`, and the interval grows by 5 seconds. An approval is
    /// taken by one poll only: the status becomes `used` in the statement that reads it.
    func poll(deviceCodeHash: String, clientID: String, now: Date) async throws -> Poll {
        let nowMicros = Microseconds.from(now)
        return try await database.write { sql in
            let taken = try await sql.first(
                """
                UPDATE device_grants SET status = 'used'
                WHERE device_code_hash = \(bind: deviceCodeHash) AND client_id = \(bind: clientID) AND status = 'approved'
                      AND expires_at > \(bind: nowMicros)
                RETURNING user_id, scope, amr, auth_time
                """, { (try $0.string(0), try $0.string(1), try $0.optionalString(2), try $0.optionalInt64(3)) })
            if let (userID, scope, amr, authTime) = taken {
                return .approved(
                    userID: userID, scopes: Scope.parseList(scope) ?? [], amr: AuthMethod.parseList(amr),
                    authTime: authTime.map(Microseconds.date))
            }
            guard
                let (grant, lastPolled) = try await sql.first(
                    """
                    SELECT \(unsafeRaw: Self.columns), last_polled_at FROM device_grants
                    WHERE device_code_hash = \(bind: deviceCodeHash) AND client_id = \(bind: clientID)
                    """, { (try Self.decode($0), try $0.optionalInt64(6)) })
            else { return .unknown }
            switch grant.status {
            case .used: return .unknown
            case .denied: return .denied
            case .approved, .pending: break
            }
            if grant.expiresAt <= now { return .expired }
            // Approved but not taken above: a racing poll took it in the same instant.
            guard grant.status == .pending else { return .unknown }
            let tooSoon = lastPolled.map { nowMicros - $0 < Int64(grant.interval) * 1_000_000 } ?? false
            try await sql.execute(
                """
                UPDATE device_grants SET last_polled_at = \(bind: nowMicros),
                       interval_seconds = interval_seconds + \(bind: tooSoon ? 5 : 0)
                WHERE device_code_hash = \(bind: deviceCodeHash)
                """)
            return tooSoon ? .slowDown : .pending
        }
    }

    private static let columns = "client_id, scope, user_code, interval_seconds, expires_at, status"

    private static func decode(_ row: SQLRow, from start: Int = 0) throws -> DeviceGrant {
        DeviceGrant(
            clientID: try row.string(start), scopes: Scope.parseList(try row.string(start + 1)) ?? [],
            userCode: try row.string(start + 2), interval: try row.int(start + 3),
            expiresAt: Microseconds.date(try row.int64(start + 4)),
            status: DeviceGrant.Status(rawValue: try row.string(start + 5)) ?? .denied)
    }
}
