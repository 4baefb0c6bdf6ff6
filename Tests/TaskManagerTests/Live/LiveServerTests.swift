import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// What crosses the wire, against the real binary: form bodies, headers, limits, signals.
@Suite(.serialized) struct LiveServerTests {
    static let password = "s3cret pass+word&more=100%"

    @Test func theSeedWalkThrough() async throws {
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        var reply = try await server.send(.GET, "/me")
        #expect(reply.status == 401)
        #expect(reply.body == #"{"detail":"Not authenticated"}"#)
        #expect(reply.challenge == "Bearer")

        reply = try await server.send(.POST, "/users", json: jsonBody(["username": "johndoe", "password": Self.password]))
        #expect(reply.status == 201)

        reply = try await server.send(.POST, "/token", form: formBody([("username", "johndoe"), ("password", Self.password)]))
        #expect(reply.status == 200)
        #expect(reply.string("token_type") == "bearer")
        #expect(reply["expires_in"] as? Int == 900)
        #expect(reply.header("Cache-Control") == "no-store")
        #expect(reply.header("Pragma") == "no-cache")
        let token = try #require(reply.string("access_token"))

        reply = try await server.send(.GET, "/me", token: token)
        #expect(reply.status == 200)
        #expect(reply.string("username") == "johndoe")

        reply = try await server.send(.POST, "/token", json: jsonBody(["username": "johndoe", "password": Self.password]))
        #expect(reply.status == 400)
        #expect(reply.string("error") == "invalid_request")
        #expect(reply.string("detail")?.contains("form data") == true)
    }

    @Test func formBodiesAndBasicClientCredentials() async throws {
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        let password = "pässwörd + ünïcode & 100%"
        _ = try await server.send(.POST, "/users", json: jsonBody(["username": "jane", "password": password]))
        // Encoded as a browser does (`+` for space, %XX for the rest), with Basic client credentials.
        var reply = try await server.send(
            .POST, "/token", form: formBody([("grant_type", "password"), ("username", "JANE"), ("password", password), ("scope", "me tasks:read")]),
            headers: [("Authorization", "Basic " + Data("client:secret".utf8).base64EncodedString())])
        #expect(reply.status == 200, "\(reply.body)")
        #expect(reply.string("scope") == "me tasks:read")
        // %20 for spaces works too; a missing Content-Type is not guessed (RFC 6749 §3.2).
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let form = "username=jane&password=\(encoded)&client_id=x&client_secret=y"
        reply = try await server.send(.POST, "/token", form: form)
        #expect(reply.status == 200, "\(reply.body)")
        reply = try await server.send(.POST, "/token", body: ByteBuffer(string: form))
        #expect(reply.status == 400, "\(reply.body)")
        #expect(reply.string("error") == "invalid_request")
        // A wrong password over the wire.
        reply = try await server.send(.POST, "/token", form: "username=jane&password=wrong")
        #expect(reply.status == 400)
        #expect(reply.string("error") == "invalid_grant")
        // Multipart is not form-urlencoded: an invalid request, not a 415.
        reply = try await server.send(
            .POST, "/token", body: ByteBuffer(string: "--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\njane\r\n--b--\r\n"),
            headers: [("Content-Type", "multipart/form-data; boundary=b")])
        #expect(reply.status == 400)
        #expect(reply.string("error") == "invalid_request")
    }

    @Test func authenticationHeadersOnTheWire() async throws {
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        _ = try await server.send(.POST, "/users", json: jsonBody(["username": "max", "password": Self.password]))
        let login = try await server.send(.POST, "/token", form: formBody([("username", "max"), ("password", Self.password), ("scope", "tasks:read")]))
        let token = try #require(login.string("access_token"))
        var reply = try await server.send(.GET, "/tasks", headers: [("Authorization", "bearer \(token)")])
        #expect(reply.status == 200)
        reply = try await server.send(.POST, "/tasks", token: token, json: #"{"title": "no"}"#)
        #expect(reply.status == 403)
        #expect(reply.challenge == #"Bearer error="insufficient_scope", scope="tasks:write""#)
        reply = try await server.send(.GET, "/tasks", token: token + "x")
        #expect(reply.status == 401)
        #expect(reply.challenge == #"Bearer error="invalid_token""#)
        #expect(reply.body == #"{"detail":"Could not validate credentials"}"#)
        reply = try await server.send(.GET, "/tasks", headers: [("Authorization", "Basic bWF4OnB3")])
        #expect(reply.status == 401)
        #expect(reply.challenge == "Bearer")
    }

    @Test func methodsLimitsAndMalformedBodies() async throws {
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        _ = try await server.send(.POST, "/users", json: jsonBody(["username": "kim", "password": Self.password]))
        let token = try #require(
            try await server.send(.POST, "/token", form: formBody([("username", "kim"), ("password", Self.password)])).string("access_token"))

        var reply = try await server.send(.PUT, "/tasks")
        #expect(reply.status == 405)
        #expect(reply.header("Allow") == "GET, POST")
        #expect(reply.header("X-Content-Type-Options") == "nosniff")

        reply = try await server.send(.POST, "/tasks", token: token, json: #"{"title": "unterminated"#)
        #expect(reply.status == 422)
        #expect(reply.validationLocations == ["body"])

        reply = try await server.send(.POST, "/tasks", token: token, json: "\u{FEFF}\u{0}{")
        #expect(reply.status == 422)

        reply = try await server.send(
            .POST, "/tasks", token: token, body: ByteBuffer(string: #"{"title": "x"}"#), headers: [("Content-Type", "text/xml")])
        #expect(reply.status == 415)

        // Just under the limit is read (and refused for its content), just over is 413.
        let underLimit = "{\"title\": \"x\", \"description\": \"" + String(repeating: "d", count: (1 << 20) - 64) + "\"}"
        reply = try await server.send(.POST, "/tasks", token: token, json: underLimit)
        #expect(reply.status == 422)
        #expect(reply.validationLocations == ["body.description"])
        let overLimit = "{\"title\": \"x\", \"description\": \"" + String(repeating: "d", count: 1 << 20) + "\"}"
        reply = try await server.send(.POST, "/tasks", token: token, json: overLimit)
        #expect(reply.status == 413)
        #expect(reply.body == #"{"detail":"Request body larger than 1 MiB"}"#)

        // The server is still healthy and the user's data intact.
        reply = try await server.send(.GET, "/tasks", token: token)
        #expect(reply.status == 200)
        #expect(reply.items.isEmpty)
    }

    @Test func aStreamedBodyOverTheLimitIs413() async throws {
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/users")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 * 1024)
        // No Content-Length: chunked, so only counting the bytes can catch it.
        request.body = .stream(
            AsyncStream { continuation in
                for _ in 0..<40 { continuation.yield(chunk) }
                continuation.finish()
            }, length: .unknown)
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status.code == 413)
        } catch {
            // The server may close the connection before the client finished sending; what matters
            // is that it is still serving.
        }
        #expect(try await server.send(.GET, "/healthz").status == 200)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalDrainsAndExitsZero(_ signal: Int32) async throws {
        let server = try await LiveServer.start()
        #expect(try await server.send(.GET, "/healthz").status == 200)
        let started = ContinuousClock.now
        #expect(await server.stop(signal: signal) == 0)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(await !server.acceptsConnections())
    }

    @Test func acknowledgedWritesSurviveKill9() async throws {
        let server = try await LiveServer.start()
        _ = try await server.send(.POST, "/users", json: jsonBody(["username": "durable", "password": Self.password]))
        let token = try #require(
            try await server.send(.POST, "/token", form: formBody([("username", "durable"), ("password", Self.password)])).string("access_token"))
        var created: [String] = []
        for index in 0..<20 {
            let reply = try await server.send(.POST, "/tasks", token: token, json: #"{"title": "task \#(index)"}"#)
            if reply.status == 201, let id = reply.string("id") { created.append(id) }
        }
        #expect(created.count == 20)
        #expect(await server.stop(signal: SIGKILL) != 0)

        let restarted = try await LiveServer.start(["--public-url", "http://127.0.0.1:\(server.port)"], in: server.directory)
        defer { restarted.stopInBackground() }
        let listed = try await restarted.send(.GET, "/tasks?limit=100", token: token)
        #expect(listed.status == 200)  // the generated signing key and the session survived too
        #expect(Set(listed.items.compactMap { $0["id"] as? String }) == Set(created))
    }

    @Test func everyResponseIsNosniff() async throws {
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        for (method, path) in [(HTTPMethod.GET, "/healthz"), (.GET, "/readyz"), (.GET, "/openapi.json"), (.GET, "/nope"), (.GET, "/me"), (.DELETE, "/token")] {
            let reply = try await server.send(method, path)
            #expect(reply.header("X-Content-Type-Options") == "nosniff", "\(method) \(path)")
            #expect(reply.status < 500)
        }
    }
}
