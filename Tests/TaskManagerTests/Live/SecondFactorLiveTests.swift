import Foundation
import Testing

@testable import TaskManager

/// The second factor against the running binary: Python's pyotp as the authenticator app
/// (Tests/oauth/mfa_flow.py) on each shared engine, the TOTP secret looked for in a `trace` log and
/// in the SQLite files, the start refused under another `--secrets-key`, and a code replayed on a
/// second process sharing PostgreSQL. Skipped without pyotp and requests, except in CI (`CI` set).
@Suite struct SecondFactorLiveTests {
    static let missing: String? = RunSummary.note(
        "pyotp: a second factor against the binary",
        missing: (try? Binary.runTool("python3", ["-c", "import pyotp, requests"]))?.status == 0
            ? nil : "no pyotp or requests for python3 (pip install pyotp requests)")
    static let password = "correct horse battery"
    static let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  // 32 bytes in base64

    @Test(.enabled(if: missing == nil || RunSummary.inCI, "pyotp test skipped: \(missing ?? "")"), arguments: TestEngine.shared)
    func pyotpEnrolsSignsInRecoversAndTurnsOff(_ engine: TestEngine) async throws {
        if let missing = Self.missing { Issue.record("the pyotp test cannot run in CI: \(missing)") }
        try await engine.withEmptyDatabase { url in
            let directory = try TemporaryDirectory()
            let databaseURL = engine == .postgres ? TestPostgres.urlText(url) : directory.databaseURL
            let logFile = directory.url.appendingPathComponent("trace.log")
            let server = try await LiveServer.start(
                ["--secrets-key", Self.key, "--log-level", "trace"], in: directory, logFile: logFile, databaseURL: databaseURL)
            defer { server.stopInBackground() }
            #expect(try await server.send(.POST, "/users", json: jsonBody(["username": "otp-user", "password": Self.password])).status == 201)
            let script = packagePath("Tests/oauth/mfa_flow.py").path
            let result = try await Binary.runLongTool("python3", [script, "http://127.0.0.1:\(server.port)", "otp-user", Self.password])
            #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
            for line in [
                "a replayed code: invalid_grant", "mfa-otp: token with amr pwd+otp", "recovery code: accepted once, then invalid_grant",
                "turned off: the password alone signs in", "five wrong codes: mfa_token dead, username throttled", "mfa flow passed",
            ] {
                #expect(result.stdout.contains(line), "\(line)")
            }

            // The secrets the server handed out appear nowhere they should not, in any spelling.
            let secrets = result.stdout.split(separator: "\n").filter { $0.hasPrefix("secret: ") }.map { String($0.dropFirst(8)) }
            try #require(secrets.count == 2)
            var files = [logFile]
            if engine != .postgres {
                let database = directory.url.appendingPathComponent("live.sqlite")
                files += [database, URL(fileURLWithPath: database.path + "-wal")]
            }
            let contents = try files.filter { FileManager.default.fileExists(atPath: $0.path) }.map { try Data(contentsOf: $0) }
            let log = String(decoding: try #require(contents.first), as: UTF8.self)
            #expect(log.contains("/me/mfa/totp/confirm") && log.contains("/token"), "the trace log has the requests in it: \(log.count) characters")
            for secret in secrets {
                let bytes = try #require(Base32.decode(secret))
                for spelling in [Data(secret.utf8), Data(bytes), Data(Data(bytes).base64EncodedString().utf8)] {
                    #expect(contents.allSatisfy { $0.range(of: spelling) == nil }, "a secret in clear")
                }
            }

            // Another key does not open what this one sealed: the start is refused with one line.
            await server.stop()
            // (under `timeout`: were it not refused, the server would run on; that exits 124)
            let refused = try await Binary.runLongTool("timeout", [
                "30", Binary.url.path, "serve", "--port", "0", "--database-url", databaseURL,
                "--secrets-key", "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=",
            ])
            #expect(refused.status == 1)
            #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("open with this --secrets-key"), "\(refused.stderr)")
        }
    }

    /// The code is computed with the server's own TOTP (checked against RFC 6238's vectors in
    /// `TOTPTests`): what is under test is that the two processes share the last accepted step.
    @Test(.enabled(if: TestPostgres.target != nil, "\(TestPostgres.skipped)"))
    func aCodeAcceptedByOneProcessIsRefusedByAnother() async throws {
        try await TestPostgres.withDatabase { url in
            let first = try await LiveServer.start(LiveServer.sharedPublicURL, databaseURL: TestPostgres.urlText(url))
            defer { first.stopInBackground() }
            let second = try await LiveServer.start(LiveServer.sharedPublicURL, databaseURL: TestPostgres.urlText(url))
            defer { second.stopInBackground() }
            #expect(try await first.send(.POST, "/users", json: jsonBody(["username": "erin", "password": Self.password])).status == 201)
            let login = formBody([("username", "erin"), ("password", Self.password), ("scope", "me tasks:read tasks:write")])
            let token = try #require(try await first.send(.POST, "/token", form: login).string("access_token"))
            let enrolled = try await first.send(.POST, "/me/mfa/totp", token: token)
            let base32 = try #require(enrolled.string("secret"))
            let secret = try #require(Base32.decode(base32))
            // Confirm with the previous step's code, leaving the current one unused.
            let previous = TOTP.code(secret: secret, step: TOTP.step(at: Date()) - 1)
            #expect(try await first.send(.POST, "/me/mfa/totp/confirm", token: token, json: jsonBody(["code": previous])).status == 200)

            let code = TOTP.code(secret: secret, step: TOTP.step(at: Date()))
            func finish(on server: LiveServer) async throws -> Reply {
                let challenge = try await server.send(.POST, "/token", form: login)
                #expect(challenge.status == 403)
                let mfaToken = try #require(challenge.string("mfa_token"))
                return try await server.send(
                    .POST, "/token",
                    form: formBody([("grant_type", "http://auth0.com/oauth/grant-type/mfa-otp"), ("mfa_token", mfaToken), ("otp", code)]))
            }
            #expect(try await finish(on: first).status == 200)
            let replayed = try await finish(on: second)
            #expect(replayed.status == 400)
            #expect(replayed.string("error") == "invalid_grant")
        }
    }
}
