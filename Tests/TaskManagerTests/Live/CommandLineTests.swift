import AsyncHTTPClient
import Foundation
import Testing

@testable import TaskManager

@Suite(.serialized) struct CommandLineTests {
    @Test(arguments: [
        (["--jwt-secret", "too-short"], "32 bytes"),
        (["--database-url", "mysql://localhost/db"], "database URL"),
        (["--database-url", "postgres://user:hunter2@127.0.0.1:1/db", "--database-timeout", "1"],
         "taskmanager: cannot start: cannot reach PostgreSQL at 127.0.0.1:1 (database db, user user): connection refused\n"),
        // The cause depends on the machine's resolver ("could not be resolved", or no answer in time).
        (["--database-url", "postgres://user:hunter2@host.invalid/db", "--database-timeout", "1"],
         "taskmanager: cannot start: cannot reach PostgreSQL at host.invalid:5432 (database db, user user): "),
        (["--database-url", "sqlite:///nonexistent/folder/tasks.sqlite"],
         "taskmanager: cannot start: cannot open the SQLite database /nonexistent/folder/tasks.sqlite: the folder /nonexistent/folder does not exist\n"),
        (["--database-url", "postgres://user:hunter2@localhost/db?sslmode=sometimes"], "sslmode"),
        (["--database-pool-size", "0"], "--database-pool-size"),
        (["--bcrypt-threads", "none"], "--bcrypt-threads"),
        (["--bcrypt-cost", "3"], "--bcrypt-cost"),
        (["--bcrypt-cost", "twelve"], "--bcrypt-cost"),
        (["--port", "70000"], "--port"),
        (["--open-registration", "maybe"], "--open-registration"),
        (["--log-level", "loud"], "--log-level"),
        (["--access-token-ttl", "0"], "--access-token-ttl"),
        (["--public-url", "tasks.example.com"], "--public-url"),
    ])
    func badSettingsStopTheStartWithOneLine(_ arguments: [String], _ mention: String) async throws {
        let directory = try TemporaryDirectory()
        // At the default log level: nothing but the one line, however the start failed.
        let result = try await Binary.run(
            ["serve", "--port", "0"] + arguments, environment: ["TASKMANAGER_LOG_LEVEL": "info"], in: directory.url)
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(mention), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("taskmanager: "))
        #expect(!result.stderr.contains("hunter2"))
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("taskmanager.sqlite").path))
    }

    @Test func settingsComeFromTheEnvironmentAndFlagsWin() async throws {
        let directory = try TemporaryDirectory()
        var result = try await Binary.run(["serve"], environment: ["TASKMANAGER_JWT_SECRET": "short"], in: directory.url)
        #expect(result.status != 0)
        #expect(result.stderr.contains("TASKMANAGER_JWT_SECRET"))
        result = try await Binary.run(["serve", "--bcrypt-cost", "99"], environment: ["TASKMANAGER_BCRYPT_COST": "5"], in: directory.url)
        #expect(result.stderr.contains("'99'"))
    }

    @Test func aPortInUseIsOneClearLine() async throws {
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        let directory = try TemporaryDirectory()
        let result = try await Binary.run(["--port", String(server.port), "--database-url", directory.databaseURL])
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("already in use"))
    }

    @Test func startsOnTaskmanagerSqliteInTheWorkingDirectory() async throws {
        let directory = try TemporaryDirectory()
        let port = try await LiveServer.freePort()
        let process = Process()
        process.executableURL = Binary.url
        process.arguments = ["--port", String(port)]  // no subcommand: serve is the default
        process.environment = Binary.testEnvironment([:])
        process.currentDirectoryURL = directory.url
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            kill(process.processIdentifier, SIGTERM)
            Thread.detachNewThread { process.waitUntilExit() }  // not on a cooperative thread
        }
        var up = false
        for _ in 0..<200 where !up {
            try await Task.sleep(for: .milliseconds(50))
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz")
            request.method = .GET
            let status = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)).status.code
            up = status == 200
                && FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("taskmanager.sqlite").path)
        }
        #expect(up)
    }

    @Test func openapiPrintsTheServedDocument() async throws {
        let result = try await Binary.run(["openapi"])
        #expect(result.status == 0)
        #expect(result.stdout == OpenAPIDocument.compiled.json + "\n")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["openapi"] as? String == "3.1.0")
    }

    @Test func migrateCreatesAndThenFindsNothingToDo() async throws {
        let directory = try TemporaryDirectory()
        var result = try await Binary.run(["migrate", "--database-url", directory.databaseURL])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Applied migrations: 1, 2"), "\(result.stdout)")
        #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("live.sqlite").path))
        result = try await Binary.run(["migrate", "--database-url", directory.databaseURL])
        #expect(result.status == 0)
        #expect(result.stdout.contains("up to date"))
    }

    /// The password commands read only the settings they use: a server setting that would stop
    /// `serve` (a bad port, a missing docs folder) does not stop `user create`.
    @Test func userCreateIgnoresTheServersSettings() async throws {
        let directory = try TemporaryDirectory()
        let result = try await Binary.run(
            ["user", "create", "erin", "--password-stdin", "--database-url", directory.databaseURL],
            stdin: "erin's long password\n",
            environment: ["TASKMANAGER_PORT": "not a port", "TASKMANAGER_DOCS_ASSETS": "/no/such/folder", "TASKMANAGER_BCRYPT_COST": "4"])
        #expect(result.status == 0, "\(result.stderr)")
        let badCost = try await Binary.run(
            ["user", "create", "frank", "--password-stdin", "--database-url", directory.databaseURL],
            stdin: "frank's long password\n", environment: ["TASKMANAGER_BCRYPT_COST": "99"])
        #expect(badCost.status != 0)
        #expect(badCost.stderr.contains("'99'"), "\(badCost.stderr)")
    }

    @Test func clientCommandsRegisterListAndDelete() async throws {
        let directory = try TemporaryDirectory()
        let url = directory.databaseURL
        var result = try await Binary.run(
            ["client", "create", "Sync", "--redirect-uri", "https://sync.example.com/cb", "--confidential", "--scopes", "tasks:read me", "--database-url", url])
        #expect(result.status == 0, "\(result.stderr)")
        let id = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("client_id: ") }?.dropFirst(11))
        #expect(result.stdout.contains("client_secret: "))
        result = try await Binary.run(["client", "list", "--database-url", url])
        #expect(result.stdout.contains("\(id)\tconfidential\tSync\tme tasks:read\thttps://sync.example.com/cb"), "\(result.stdout)")
        #expect(!result.stdout.contains("client_secret"))
        // The built-in clients first: they are there on every server.
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: "\t").first?.trimmingCharacters(in: .whitespaces) }
        #expect(rows.dropFirst().prefix(3) == ["swagger-ui", "taskmanager-web", "taskmanager-cli"], "\(result.stdout)")
        #expect(result.stdout.contains("\tbuilt-in\tSwagger UI\t"))

        result = try await Binary.run(["client", "create", "Bad", "--redirect-uri", "http://evil.example.com/cb", "--database-url", url])
        #expect(result.status != 0)
        #expect(result.stderr.contains("redirect_uris"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        // A client is limited to the API's scopes: openid, profile and email are any client's to ask for.
        let identity = try await Binary.run(["client", "create", "Bad", "--redirect-uri", "https://a.example/cb", "--scopes", "openid me", "--database-url", url])
        #expect(identity.status != 0 && identity.stderr.contains("--scopes"), "\(identity)")
        result = try await Binary.run(["client", "create", "Bad", "--redirect-uri", "https://a.example/cb", "--scopes", "root", "--database-url", url])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--scopes"))

        result = try await Binary.run(["client", "delete", String(id), "--database-url", url])
        #expect(result.status == 0, "\(result.stderr)")
        result = try await Binary.run(["client", "delete", String(id), "--database-url", url])
        #expect(result.status != 0)
        #expect(result.stderr.contains("Client not found"))
        result = try await Binary.run(["client", "delete", "taskmanager-web", "--database-url", url])
        #expect(result.stderr.contains("built-in"))
        #expect(try await Binary.run(["client", "list", "--database-url", url]).stdout.split(separator: "\n").count == 1 + 3)
    }

    @Test func userCreateMakesTheFirstAdmin() async throws {
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        let url = server.directory.databaseURL
        var result = try await Binary.run(
            ["user", "create", "root", "--admin", "--email", "root@example.com", "--password-stdin", "--database-url", url],
            stdin: "an admin password\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("root"))
        #expect(!result.stdout.contains("an admin password"))
        let reply = try await server.send(.POST, "/token", form: formBody([("username", "root"), ("password", "an admin password")]))
        #expect(reply.string("scope") == "me tasks:read tasks:write lists:share admin")

        result = try await Binary.run(["user", "create", "ROOT", "--password-stdin", "--database-url", url], stdin: "another password\n")
        #expect(result.status != 0)
        #expect(result.stderr.contains("Username already registered"))
        result = try await Binary.run(["user", "create", "x", "--password-stdin", "--database-url", url], stdin: "short\n")
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1)
        result = try await Binary.run(["user", "create", "nopass", "--database-url", url], stdin: "whatever password\n")
        #expect(result.status != 0)
        #expect(result.stderr.contains("--password-stdin"))
    }

    @Test func userAdministrationFromTheCommandLine() async throws {
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        let url = server.directory.databaseURL
        for name in ["alice", "bob"] {
            _ = try await server.send(.POST, "/users", json: jsonBody(["username": name, "password": "correct horse battery"]))
        }
        let login = { (name: String, password: String) in
            try await server.send(.POST, "/token", form: formBody([("username", name), ("password", password)]))
        }
        let alice = try #require(try await login("alice", "correct horse battery").string("access_token"))
        let bob = try #require(try await login("bob", "correct horse battery").string("access_token"))

        var result = try await Binary.run(["user", "list", "--database-url", url])
        #expect(result.status == 0)
        #expect(result.stdout.contains("alice"))
        #expect(result.stdout.contains("bob"))

        result = try await Binary.run(["user", "disable", "alice", "--database-url", url])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try await server.send(.GET, "/me", token: alice).status == 401)
        #expect(try await login("alice", "correct horse battery").string("detail") == "Inactive user")

        result = try await Binary.run(
            ["user", "set-password", "bob", "--password-stdin", "--database-url", url], stdin: "a new password for bob\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try await server.send(.GET, "/me", token: bob).status == 401)  // every session ends
        #expect(try await login("bob", "a new password for bob").status == 200)

        result = try await Binary.run(["user", "disable", "nobody", "--database-url", url])
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func keysRotateReachesARunningServer() async throws {
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        _ = try await server.send(.POST, "/users", json: jsonBody(["username": "alice", "password": "correct horse battery"]))
        let form = formBody([("username", "alice"), ("password", "correct horse battery")])
        let before = try #require(try await server.send(.POST, "/token", form: form).string("access_token"))
        let result = try await Binary.run(["keys", "rotate", "--database-url", server.directory.databaseURL])
        #expect(result.status == 0, "\(result.stderr)")
        try await Task.sleep(for: .milliseconds(1100))
        let after = try #require(try await server.send(.POST, "/token", form: form).string("access_token"))
        #expect(KeyRotationTests.kid(after) != KeyRotationTests.kid(before))
        #expect(result.stdout.contains(KeyRotationTests.kid(after) ?? "?"))
        #expect(try await server.send(.GET, "/me", token: before).status == 200)
        #expect(try await server.send(.GET, "/me", token: after).status == 200)
        // Both keys published: the new one, and the old one until its tokens have expired.
        let published = try await server.send(.GET, "/.well-known/jwks.json").json["keys"] as? [[String: Any]] ?? []
        #expect(Set(published.compactMap { $0["kid"] as? String }) == Set([KeyRotationTests.kid(before), KeyRotationTests.kid(after)].compactMap { $0 }))
    }

    /// Keys sealed with `--secrets-key`: a rotation without it is refused (it would store the new
    /// private key in the clear), with it the server signs with the new key.
    @Test func keysRotateSealsWithTheServersSecretsKey() async throws {
        let secretsKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let server = try await LiveServer.start(["--secrets-key", secretsKey, "--signing-alg", "EdDSA"])
        defer { server.stopInBackground() }
        let database = ["--database-url", server.directory.databaseURL]
        let refused = try await Binary.run(["keys", "rotate"] + database)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--secrets-key"), "\(refused.stderr)")
        let rotated = try await Binary.run(["keys", "rotate", "--secrets-key", secretsKey, "--signing-alg", "ES256"] + database)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.stdout.contains("New ES256 signing key"))
        try await Task.sleep(for: .milliseconds(1100))
        _ = try await server.send(.POST, "/users", json: jsonBody(["username": "alice", "password": "correct horse battery"]))
        let token = try #require(
            try await server.send(.POST, "/token", form: formBody([("username", "alice"), ("password", "correct horse battery")])).string("access_token"))
        #expect(TokenServiceTests.json(token.split(separator: ".")[0])?["alg"] as? String == "ES256")
        #expect(try await server.send(.GET, "/me", token: token).status == 200)
    }

    @Test(arguments: [
        ["--help"], ["serve", "--help"], ["migrate", "--help"], ["user", "--help"], ["user", "create", "--help"],
        ["user", "list", "--help"], ["user", "disable", "--help"], ["user", "set-password", "--help"], ["keys", "rotate", "--help"],
        ["openapi", "--help"],
    ])
    func everyCommandHasHelp(_ arguments: [String]) async throws {
        let result = try await Binary.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE"))
    }

    @Test func theTopHelpNamesTheServersSettings() async throws {
        let result = try await Binary.run(["--help"])
        #expect(!result.stdout.contains("password flow"))
        for flag in ["--port", "--host", "--database-url", "--public-url", "--docs-assets"] {
            #expect(result.stdout.contains(flag), "\(flag): \(result.stdout)")
        }
    }
}
