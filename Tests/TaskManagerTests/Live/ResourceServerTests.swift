import Foundation
import Testing

@testable import TaskManager

/// A resource server verifying TaskManager's access tokens with nothing but the published JWK Set:
/// PyJWT's `PyJWKClient` (Tests/oidc/resource_server.py) against the running binary, for each
/// signing algorithm, on each shared engine. Skipped without PyJWT and cryptography for python3,
/// except in CI.
@Suite struct ResourceServerTests {
    static let missing: String? = RunSummary.note(
        "PyJWT: a resource server verifying access tokens with the JWK Set",
        missing: (try? Binary.runTool("python3", ["-c", "import jwt, cryptography"]))?.status == 0
            ? nil : "no PyJWT or cryptography for python3 (pip install pyjwt cryptography)")

    @Test(.enabled(if: missing == nil || RunSummary.inCI, "PyJWT test skipped: \(missing ?? "")"), arguments: TestEngine.shared)
    func pyJWTVerifiesWithThePublishedKeysAlone(_ engine: TestEngine) async throws {
        if let missing = Self.missing { Issue.record("the PyJWT test cannot run in CI: \(missing)") }
        try await LiveServer.withEachSigningAlgorithm(on: engine) { server, algorithm, _ in
                #expect(try await server.send(.POST, "/users", json: jsonBody(["username": "reader", "password": "correct horse battery"])).status == 201)
                let login = try await server.send(.POST, "/token", form: formBody([("username", "reader"), ("password", "correct horse battery")]))
                let token = try #require(login.string("access_token"))
                // Each refused for its own reason: a changed claim, the signature of another key, an
                // HS256 token made with the public key's text.
                let parts = token.split(separator: ".").map(String.init)
                let jwks = try await server.send(.GET, "/.well-known/jwks.json").body
                let changed = parts[0] + "." + TokenServiceTests.base64(["sub": "someone else", "iss": "x"]) + "." + parts[2]
                let header = try #require(TokenServiceTests.json(Substring(parts[0])))
                let confused = TokenServiceTests.sign(header: ["alg": "HS256", "typ": "at+jwt", "kid": header["kid"] ?? ""], claims: TokenServiceTests.claims(), key: Array(jwks.utf8))
                let result = try await Binary.runLongTool(
                    "python3", [packagePath("Tests/oidc/resource_server.py").path, "http://127.0.0.1:\(server.port)", token, changed, confused])
                #expect(result.status == 0, "\(algorithm): \(result.stdout)\n\(result.stderr)")
                #expect(result.stdout.contains("verified: ") && result.stdout.contains(" \(algorithm.rawValue)"), "\(result.stdout)")
                #expect(result.stdout.components(separatedBy: "refused: ").count == 3, "\(result.stdout)")

                // The README's example, as printed there.
                let example = try Self.readmeExample()
                let file = server.directory.url.appendingPathComponent("verify.py")
                try example.write(to: file, atomically: true, encoding: .utf8)
                let run = try await Binary.runLongTool(
                    "env", ["TASKMANAGER_URL=http://127.0.0.1:\(server.port)", "TOKEN=\(token)", "python3", file.path])
                let subject = try #require(TokenServiceTests.json(Substring(parts[1]))?["sub"] as? String)
                #expect(run.status == 0 && run.stdout == subject + "\n", "\(run.stdout)\n\(run.stderr)")
                let refused = try await Binary.runLongTool(
                    "env", ["TASKMANAGER_URL=http://127.0.0.1:\(server.port)", "TOKEN=\(changed)", "python3", file.path])
                #expect(refused.status != 0)

                // And the Swift one (its code is `ReadmeTokenVerifier.swift`, checked below to be the README's).
                #expect(try await verifyTaskManagerToken(token, issuer: "http://127.0.0.1:\(server.port)") == subject)
                await #expect(throws: (any Error).self) { try await verifyTaskManagerToken(changed, issuer: "http://127.0.0.1:\(server.port)") }
                await #expect(throws: (any Error).self) { try await verifyTaskManagerToken(token, issuer: "http://localhost:\(server.port)") }
        }
    }

    /// The README's Swift example is the code the test above runs.
    @Test func theReadmesSwiftExampleIsTheCodeTheTestsRun() throws {
        let source = try String(contentsOf: packagePath("Tests/TaskManagerTests/Support/ReadmeTokenVerifier.swift"), encoding: .utf8)
        let start = try #require(source.range(of: "// README begin\n"))
        let end = try #require(source.range(of: "// README end"))
        let readme = try String(contentsOf: packagePath("README.md"), encoding: .utf8)
        #expect(readme.contains("```swift\n" + source[start.upperBound..<end.lowerBound] + "```"))
    }

    /// The Python block of the README's "Verify TaskManager's tokens in your own service".
    static func readmeExample() throws -> String {
        let readme = try String(contentsOf: packagePath("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## Verify TaskManager's tokens in your own service"))
        let rest = readme[section.upperBound...]
        let start = try #require(rest.range(of: "```python\n"))
        let end = try #require(rest[start.upperBound...].range(of: "```"))
        return String(rest[start.upperBound..<end.lowerBound])
    }
}

extension LiveServer {
    /// For each asymmetric signing algorithm, a server signing with it on an empty database of
    /// `engine`; `body` gets the server, the algorithm and the database URL (for the commands).
    static func withEachSigningAlgorithm(
        on engine: TestEngine, _ body: (LiveServer, SigningAlgorithm, _ databaseURL: String) async throws -> Void
    ) async throws {
        for algorithm in SigningAlgorithm.asymmetric {
            try await engine.withEmptyDatabase { url in
                let databaseURL = SharingLiveTests.text(url)
                let server = try await start(["--signing-alg", algorithm.rawValue], databaseURL: databaseURL)
                defer { server.stopInBackground() }
                try await body(server, algorithm, databaseURL)
            }
        }
    }
}
