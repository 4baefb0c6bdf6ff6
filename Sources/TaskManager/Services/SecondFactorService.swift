import Foundation
import Logging

/// The second factor (TOTP, RFC 6238, with recovery codes): enrolment and removal for
/// `/me/mfa`, the admin and the CLI, and the code check every sign-in with it on makes.
struct SecondFactorService: Sendable {
    let repository: SecondFactorRepository
    let box: SecretBox
    let clock: AppClock
    /// Turning the second factor off asks for the password.
    let hasher: PasswordHasher

    struct Enrolment: Sendable, Equatable {
        /// Base32, as authenticator apps take it by hand.
        var secret: String
        var uri: String
    }

    static let alreadyOn = "The second factor is already on; turn it off first"
    static let notOn = "The second factor is not on"
    static let invalidCode = "Invalid code"

    /// `POST /me/mfa/totp`: a new secret, pending until confirmed (a new call replaces it).
    func enrol(user: User) async throws -> Enrolment {
        let secret = TOTP.generateSecret()
        let sealed = try box.seal(secret, context: user.id)
        guard try await repository.start(userID: user.id, sealedSecret: sealed, now: clock.now()) else {
            throw APIError.conflict(Self.alreadyOn)
        }
        return Enrolment(secret: Base32.encode(secret), uri: TOTP.uri(secret: secret, account: user.username))
    }

    /// `POST /me/mfa/totp/confirm`: a current code turns it on; answers the recovery codes, the
    /// only time they are shown.
    func confirm(user: User, code: String) async throws -> [String] {
        guard let enrolment = try await repository.enrolment(userID: user.id) else {
            throw APIError.badRequest("No second factor is being set up: POST /me/mfa/totp first")
        }
        guard !enrolment.confirmed else { throw APIError.conflict(Self.alreadyOn) }
        guard case .totp(let digits) = SecondFactorCode(entered: code),
            let step = TOTP.acceptedStep(for: digits, secret: try open(enrolment, userID: user.id), now: clock.now(), lastUsed: nil)
        else { throw APIError.badRequest(Self.invalidCode) }
        let codes = (0..<RecoveryCode.count).map { _ in RecoveryCode.generate() }
        let hashes = codes.map { RecoveryCode.hash(normalized: RecoveryCode.normalized($0)!, userID: user.id) }
        guard try await repository.confirm(userID: user.id, step: step, recoveryCodeHashes: hashes) else {
            throw APIError.conflict(Self.alreadyOn)  // a racing confirmation won
        }
        return codes
    }

    /// `DELETE /me/mfa`: the password and a current or recovery code turn it off.
    func disable(user: User, password: String, code: String) async throws {
        guard try await hasher.verify(password, against: user.passwordHash) else {
            throw APIError.badRequest("Incorrect password")
        }
        guard user.mfaEnabled else { throw APIError.conflict(Self.notOn) }
        guard try await verify(userID: user.id, SecondFactorCode(entered: code)) else {
            throw APIError.badRequest(Self.invalidCode)
        }
        _ = try await repository.remove(userID: user.id)
    }

    /// `DELETE /admin/users/{id}/mfa` and `taskmanager user reset-mfa`: off, whatever its state.
    func reset(userID: String) async throws {
        _ = try await repository.remove(userID: userID)
    }

    /// Whether `code` is the user's, using it up: a TOTP code one step either side of now and
    /// newer than the last accepted (so a replay fails, on any process), or an unused recovery code.
    func verify(userID: String, _ code: SecondFactorCode) async throws -> Bool {
        switch code {
        case .totp(let digits):
            guard let enrolment = try await repository.enrolment(userID: userID), enrolment.confirmed,
                let step = TOTP.acceptedStep(
                    for: digits, secret: try open(enrolment, userID: userID), now: clock.now(), lastUsed: enrolment.lastStep)
            else { return false }
            return try await repository.useStep(userID: userID, step: step)
        case .recovery(let text):
            guard let normalized = RecoveryCode.normalized(text) else { return false }
            return try await repository.useRecoveryCode(
                userID: userID, hash: RecoveryCode.hash(normalized: normalized, userID: userID), now: clock.now())
        }
    }

    /// A secret that will not open means the key changed under a running server: 503, not a
    /// wrong code (start-up refuses such a key with a clear message).
    private func open(_ enrolment: SecondFactorRepository.Enrolment, userID: String) throws -> [UInt8] {
        do {
            return try box.open(enrolment.sealedSecret, context: userID)
        } catch {
            Logger(label: "taskmanager").error("a stored TOTP secret does not open with the configured --secrets-key")
            throw APIError.serviceUnavailable
        }
    }

    /// At start: every stored secret must open with the configured key (or its absence); with a key,
    /// secrets stored unencrypted before are sealed now.
    func checkStoredSecrets() async throws {
        for (userID, sealed) in try await repository.secrets() {
            let secret: [UInt8]
            do {
                secret = try box.open(sealed, context: userID)
            } catch {
                throw SecretsKeyMismatch()
            }
            if box.key != nil, !SecretBox.isSealed(sealed) {
                try await repository.reseal(userID: userID, from: sealed, to: try box.seal(secret, context: userID))
            }
        }
    }

    struct SecretsKeyMismatch: Error, CustomStringConvertible {
        var description: String {
            "the stored TOTP secrets do not open with this --secrets-key (TASKMANAGER_SECRETS_KEY): start with the key they were sealed with"
        }
    }
}
