import Foundation
import Testing

@testable import TaskManager

/// The built `tm` against the running binary, on a SQLite file and on PostgreSQL: signed in with the
/// device flow (the `/device` page approved over HTTP as a browser would), every command, `--json`
/// parsed, each exit status, the credentials file's permissions, and `tm logout` ending the session.
@Suite(.serialized) struct TmLiveTests {
    static let password = DeviceFlowRouterTests.password

    /// One person's `tm`: their own credentials folder.
    struct Person {
        let name: String
        let config: TemporaryDirectory
        let server: LiveServer

        var credentials: URL { config.url.appendingPathComponent("taskmanager/credentials.json") }

        func tm(_ arguments: [String]) async throws -> Binary.Result {
            try await Binary.run(arguments, environment: ["XDG_CONFIG_HOME": config.url.path], program: Binary.tm)
        }

        /// `tm … --json`, parsed; the command must succeed.
        func json(_ arguments: [String]) async throws -> [String: Any] {
            let result = try await tm(arguments + ["--json"])
            try #require(result.status == 0, "tm \(arguments): \(result.status) \(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        }

        /// `tm login`, answering the device flow on `/device` over HTTP (Allow, or Deny).
        func login(allow: Bool = true) async throws -> Binary.Result {
            try await login { code, _ in try await approveOverHTTP(code, allow: allow) }
        }

        /// `tm login`, with `approve` given the code and the address `tm` printed.
        func login(approve: (String, String) async throws -> Void) async throws -> Binary.Result {
            let process = Process()
            process.executableURL = Binary.tm
            process.arguments = ["login", "--server", "http://127.0.0.1:\(server.port)"]
            process.environment = Binary.testEnvironment(["XDG_CONFIG_HOME": config.url.path])
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            // What it prints first: the address and the code.
            let shown = try await Binary.offCooperativeThreads { () -> String in
                var text = ""
                while !text.contains("Waiting") {
                    let chunk = out.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                return text
            }
            let code = try #require(shown.firstMatch(of: /enter the code ([A-Z]{4}-[A-Z]{4})/)?.1, "\(shown)")
            #expect(shown.contains("open http://127.0.0.1:\(server.port)/device "))
            let complete = try #require(shown.firstMatch(of: /\(or open (\S+)\)/)?.1, "\(shown)")
            #expect(complete.hasSuffix("/device?user_code=\(code)"))
            try await approve(String(code), String(complete))
            let rest = try await Binary.offCooperativeThreads { () -> (String, String) in
                let stdout = out.fileHandleForReading.readDataToEndOfFile()
                let stderr = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return (String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
            }
            return Binary.Result(status: process.terminationStatus, stdout: shown + rest.0, stderr: rest.1)
        }

        /// A browser's steps on `/device`, over HTTP.
        func approveOverHTTP(_ code: String, allow: Bool) async throws {
            let entry = try await server.send(.GET, "/device")
            let cookie = String(try #require(entry.header("Set-Cookie")).prefix { $0 != ";" })
            let signIn = try await server.send(
                .POST, "/device", form: formBody([("entry", try #require(DeviceFlowRouterTests.hidden("entry", in: entry))), ("user_code", code)]),
                headers: [("Cookie", cookie)])
            var fields = [("request", try #require(DeviceFlowRouterTests.hidden("request", in: signIn), "\(signIn.body)"))]
            fields += allow ? [("username", name), ("password", TmLiveTests.password), ("action", "allow")] : [("action", "deny")]
            _ = try await server.send(.POST, "/device", form: formBody(fields), headers: [("Cookie", cookie)])
        }
    }

    static func titles(_ page: [String: Any]) -> [String]? {
        (page["items"] as? [[String: Any]])?.compactMap { $0["title"] as? String }
    }

    @Test(arguments: TestEngine.shared)
    func everyCommandAgainstTheBinary(_ engine: TestEngine) async throws {
        try await engine.withEmptyDatabase { url in
            let server = try await LiveServer.start(databaseURL: SharingLiveTests.text(url))
            defer { server.stopInBackground() }
            for name in ["alice", "bob"] {
                _ = try await server.send(.POST, "/users", json: jsonBody(["username": name, "password": Self.password]))
            }
            let alice = Person(name: "alice", config: try TemporaryDirectory(), server: server)
            let bob = Person(name: "bob", config: try TemporaryDirectory(), server: server)

            // Not signed in: 3.
            var result = try await alice.tm(["tasks", "list"])
            #expect(result.status == 3 && result.stderr.contains("Not signed in"), "\(result)")

            // Signed in with the device flow; the refresh token kept 0600.
            result = try await alice.login()
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("Signed in to http://127.0.0.1:\(server.port) as alice"))
            let mode = try FileManager.default.attributesOfItem(atPath: alice.credentials.path)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)
            // Who is signed in, where.
            result = try await alice.tm(["whoami"])
            #expect(result.status == 0 && result.stdout == "alice at http://127.0.0.1:\(server.port)\n", "\(result)")
            #expect(try await alice.json(["whoami"])["username"] as? String == "alice")
            #expect(try await bob.tm(["whoami"]).status == 3)

            // Lists and tasks.
            let list = try await alice.json(["lists", "add", "Groceries"])
            let listID = try #require(list["id"] as? String)
            #expect(list["role"] as? String == "owner")
            let task = try await alice.json(["tasks", "add", "Milk", "--list", listID, "--priority", "high", "--due", "2026-12-24"])
            let taskID = try #require(task["id"] as? String)
            #expect(task["list_id"] as? String == listID && task["priority"] as? String == "high" && task["due_date"] as? String == "2026-12-24")
            result = try await alice.tm(["tasks", "list"])
            #expect(result.status == 0 && result.stdout.contains("Milk"))
            #expect(result.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(result.stdout)")
            #expect((try await alice.json(["tasks", "list", "--list", listID])["items"] as? [[String: Any]])?.count == 1)
            // Pages: one task a page, every page with --all.
            _ = try await alice.json(["tasks", "add", "Bread"])
            #expect((try await alice.json(["tasks", "list", "--limit", "1"])["items"] as? [[String: Any]])?.count == 1)
            let everything = try await alice.json(["tasks", "list", "--limit", "1", "--all"])
            #expect((everything["items"] as? [[String: Any]])?.compactMap { $0["title"] as? String } == ["Bread", "Milk"])
            #expect(try await alice.json(["tasks", "show", taskID])["title"] as? String == "Milk")
            #expect(try await alice.json(["tasks", "edit", taskID, "--title", "Oat milk"])["title"] as? String == "Oat milk")
            #expect(try await alice.json(["tasks", "done", taskID])["done"] as? Bool == true)
            #expect(Self.titles(try await alice.json(["tasks", "list", "--done"])) == ["Oat milk"])
            #expect(Self.titles(try await alice.json(["tasks", "list", "--not-done"])) == ["Bread"])
            #expect(try await alice.json(["tasks", "done", taskID, "--undo"])["done"] as? Bool == false)
            result = try await alice.tm(["lists", "list"])
            #expect(result.stdout.contains("Groceries") && result.stdout.contains("My tasks (default)"), "\(result.stdout)")
            #expect(try await alice.json(["lists", "rename", listID, "Food"])["name"] as? String == "Food")
            #expect((try await alice.json(["lists", "list"])["items"] as? [[String: Any]])?.count == 2)

            // Sharing: alice invites bob, he accepts, both see the list.
            result = try await bob.login()
            #expect(result.status == 0, "\(result)")
            let invitation = try await alice.json(["share", listID, "bob", "--role", "editor"])
            let invitationID = try #require(invitation["id"] as? String)
            #expect((try await bob.json(["invitations", "list"])["items"] as? [[String: Any]])?.first?["id"] as? String == invitationID)
            #expect(try await bob.json(["invitations", "accept", invitationID])["role"] as? String == "editor")
            result = try await alice.tm(["members", listID])
            #expect(result.stdout.contains("alice") && result.stdout.contains("bob") && result.stdout.contains("editor"), "\(result.stdout)")
            #expect((try await bob.json(["tasks", "list", "--list", listID])["items"] as? [[String: Any]])?.first?["title"] as? String == "Oat milk")
            let other = try #require(try await alice.json(["lists", "add", "Other"])["id"] as? String)
            let declined = try #require(try await alice.json(["share", other, "bob"])["id"] as? String)
            #expect(try await bob.tm(["invitations", "decline", declined]).status == 0)

            // Refused by the server: 1, its detail in one line.
            result = try await bob.tm(["tasks", "show", UUID().uuidString])
            #expect(result.status == 1 && result.stderr == "tm: Task not found\n", "\(result)")
            result = try await bob.tm(["lists", "rename", listID, "Mine"])
            #expect(result.status == 1 && result.stderr == "tm: Not enough permissions on this list\n", "\(result)")
            result = try await alice.tm(["tasks", "add", " "])
            #expect(result.status == 1 && result.stderr.hasPrefix("tm: title: "), "\(result)")
            // Wrong usage: 2.
            for arguments in [["tasks", "add"], ["lists", "frobnicate"], ["tasks", "list", "--priority", "urgent"], ["share", listID, "bob", "--role", "owner"]] {
                result = try await alice.tm(arguments)
                #expect(result.status == 2, "\(arguments): \(result)")
            }
            #expect(try await alice.tm(["--help"]).status == 0)

            // Sessions: another of alice's, ended from tm.
            _ = try await server.send(.POST, "/token", form: formBody([("username", "alice"), ("password", Self.password)]))
            let sessions = try #require(try await alice.json(["sessions", "list"])["items"] as? [[String: Any]])
            #expect(sessions.first { $0["current"] as? Bool == true }?["client_id"] as? String == OAuthClient.commandLine)
            let otherSession = try #require(sessions.first { $0["current"] as? Bool == false && $0["kind"] as? String == "token" }?["id"] as? String)
            #expect(try await alice.tm(["sessions", "end", otherSession]).status == 0)
            // Approving tm on /device signed that browser in to TaskManager: its session is listed too.
            let left = try #require(try await alice.json(["sessions", "list"])["items"] as? [[String: Any]])
            #expect(left.filter { $0["kind"] as? String == "token" }.count == 1)
            #expect(left.filter { $0["kind"] as? String == "browser" }.count == 1)
            #expect(try await alice.tm(["sessions", "list"]).stdout.contains("browser sign-in"))

            // Deleting.
            #expect(try await alice.tm(["tasks", "rm", taskID]).status == 0)
            #expect(try await alice.tm(["lists", "rm", other]).status == 0)

            // A credentials file others may read is refused: 3.
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: alice.credentials.path)
            result = try await alice.tm(["tasks", "list"])
            #expect(result.status == 3 && result.stderr.contains("chmod 600"), "\(result)")
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: alice.credentials.path)

            // Logout ends the session on the server: its refresh token no longer works.
            let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: alice.credentials)) as? [String: Any]
            let refresh = try #require(((saved?["servers"] as? [String: Any])?["http://127.0.0.1:\(server.port)"] as? [String: Any])?["refresh_token"] as? String)
            #expect(try await alice.tm(["logout"]).status == 0)
            let reused = try await server.send(
                .POST, "/token", form: formBody([("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", OAuthClient.commandLine)]))
            #expect(reused.string("error") == "invalid_grant")
            #expect(try await alice.tm(["tasks", "list"]).status == 3)

            // Denied on the page: 1.
            result = try await alice.login(allow: false)
            #expect(result.status == 1 && result.stderr.contains("denied"), "\(result)")

            // The server gone: 4.
            await server.stop()
            result = try await bob.tm(["tasks", "list"])
            #expect(result.status == 4, "\(result)")
        }
    }
}
