import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import TaskManager

@Suite struct TokenRouterTests {
    @Test func passwordGrantIssuesABearerToken() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let reply = try await api.send(
                .post, "/token", form: formBody([("grant_type", "password"), ("username", "alice"), ("password", "correct horse battery")]))
            #expect(reply.status == 200)
            #expect(reply.string("token_type") == "bearer")
            #expect(reply["expires_in"] as? Int == 900)
            #expect(reply.string("scope") == "me tasks:read tasks:write lists:share")
            #expect(reply.string("access_token")?.split(separator: ".").count == 3)
            #expect(reply.header("Cache-Control") == "no-store")
            #expect(reply.header("Pragma") == "no-cache")
        }
    }

    @Test func grantTypeIsOptionalAndUsernamesAreCaseInsensitive() async throws {
        try await withTestApp { api in
            try await api.register("Alice")
            let reply = try await api.send(.post, "/token", form: formBody([("username", "aLiCe"), ("password", "correct horse battery")]))
            #expect(reply.status == 200)
        }
    }

    @Test func clientCredentialsAreAcceptedAndIgnored() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let form = formBody([
                ("username", "alice"), ("password", "correct horse battery"), ("client_id", "swagger"), ("client_secret", "x"),
            ])
            var reply = try await api.send(.post, "/token", form: form)
            #expect(reply.status == 200)
            let basic = "Basic " + Data("my-client:my-secret".utf8).base64EncodedString()
            reply = try await api.send(
                .post, "/token", form: formBody([("username", "alice"), ("password", "correct horse battery")]),
                headers: [.authorization: basic])
            #expect(reply.status == 200)
        }
    }

    @Test func wrongPasswordAndUnknownUserAnswerAlike() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let wrong = try await api.send(.post, "/token", form: formBody([("username", "alice"), ("password", "not the password")]))
            let unknown = try await api.send(.post, "/token", form: formBody([("username", "nobody"), ("password", "not the password")]))
            for reply in [wrong, unknown] {
                #expect(reply.status == 400)
                #expect(reply.string("error") == "invalid_grant")
                #expect(reply.string("error_description") == "Incorrect username or password")
                #expect(reply.string("detail") == "Incorrect username or password")
                #expect(reply.header("Cache-Control") == "no-store")
            }
            #expect(wrong.body == unknown.body)
        }
    }

    /// No username holds a NUL; PostgreSQL cannot even compare one. Both engines answer as for a stranger.
    @Test func aUsernameWithANULIsAnUnknownUser() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let reply = try await api.send(.post, "/token", form: "username=ali%00ce&password=correct+horse+battery")
            #expect(reply.status == 400, "\(reply.body)")
            #expect(reply.string("error") == "invalid_grant")
            let registration = try await api.send(.post, "/users", json: #"{"username": "b\u0000b", "password": "long enough password"}"#)
            #expect(registration.validationLocations == ["body.username"], "\(registration.body)")
        }
    }

    @Test func missingFieldsAreInvalidRequests() async throws {
        try await withTestApp { api in
            for form in ["username=alice", "password=secret", "", "username=&password="] {
                let reply = try await api.send(.post, "/token", form: form)
                #expect(reply.status == 400, "\(form)")
                #expect(reply.string("error") == "invalid_request", "\(form): \(reply.body)")
                #expect(reply.string("detail") != nil)
            }
        }
    }

    @Test func aJSONBodyIsAnInvalidRequestThatAsksForFormData() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let reply = try await api.send(.post, "/token", json: jsonBody(["username": "alice", "password": "correct horse battery"]))
            #expect(reply.status == 400)
            #expect(reply.string("error") == "invalid_request")
            #expect(reply.string("detail")?.contains("form data") == true)
            #expect(reply.string("error_description") == reply.string("detail"))
        }
    }

    /// RFC 6749 §3.2: the media type is required, not guessed; any other one is refused alike.
    @Test func aFormWithoutItsContentTypeIsAnInvalidRequest() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            for path in ["/token", "/token/revoke"] {
                for contentType in [nil, "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencodedx"] {
                    var headers = HTTPFields()
                    if let contentType { headers[.contentType] = contentType }
                    let form = path == "/token" ? "username=alice&password=correct+horse+battery" : "token=\(token)"
                    let reply = try await api.client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: form)) {
                        Reply(status: Int($0.status.code), headers: $0.headers, body: String(buffer: $0.body))
                    }
                    #expect(reply.status == 400, "\(path) \(contentType ?? "none"): \(reply.body)")
                    #expect(reply.string("error") == "invalid_request", "\(path) \(contentType ?? "none")")
                }
            }
            // The token was never revoked by those, and the media type may carry parameters and any case.
            #expect(try await api.send(.get, "/me", token: token).status == 200)
            let reply = try await api.send(
                .post, "/token", form: "username=alice&password=correct+horse+battery",
                headers: [.contentType: "Application/X-WWW-Form-Urlencoded; charset=utf-8"])
            #expect(reply.status == 200, "\(reply.body)")
        }
    }

    @Test func unknownGrantTypesAreUnsupported() async throws {
        try await withTestApp { api in
            let reply = try await api.send(.post, "/token", form: "grant_type=client_credentials&username=a&password=b")
            #expect(reply.status == 400)
            #expect(reply.string("error") == "unsupported_grant_type")
        }
    }

    @Test func scopesAreGrantedAsAskedAndOnlyAsAllowed() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            func token(_ scope: String) async throws -> Reply {
                try await api.send(.post, "/token", form: formBody([("username", "alice"), ("password", "correct horse battery"), ("scope", scope)]))
            }
            var reply = try await token("tasks:read")
            #expect(reply.string("scope") == "tasks:read")
            reply = try await token("tasks:write me")
            #expect(reply.string("scope") == "me tasks:write")
            reply = try await token("admin")
            #expect(reply.status == 400)
            #expect(reply.string("error") == "invalid_scope")
            reply = try await token("tasks:delete")
            #expect(reply.status == 400)
            #expect(reply.string("error") == "invalid_scope")
        }
    }

    @Test func adminsMayHaveTheAdminScope() async throws {
        try await withSeededDatabase(admin: "root") { url in
            try await withTestApp({ $0.databaseURL = url }) { api in
                var reply = try await api.send(.post, "/token", form: formBody([("username", "root"), ("password", "correct horse battery")]))
                #expect(reply.string("scope") == "me tasks:read tasks:write lists:share admin")
                reply = try await api.send(
                    .post, "/token", form: formBody([("username", "root"), ("password", "correct horse battery"), ("scope", "admin")]))
                #expect(reply.string("scope") == "admin")
            }
        }
    }

    @Test func eachLoginOpensASession() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let first = try await api.login("alice")
            let second = try await api.login("alice")
            let sid = { (token: String) in TokenServiceTests.json(token.split(separator: ".")[1])?["sid"] as? String }
            #expect(sid(first) != nil)
            #expect(sid(first) != sid(second))
        }
    }

    @Test func tokensAreSignedWithTheConfiguredSecret() async throws {
        let secret = "a-configured-secret-that-is-long-enough"
        try await withTestApp({ $0.jwtSecret = secret }) { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            let header = try #require(TokenServiceTests.json(token.split(separator: ".")[0]))
            #expect(header["kid"] as? String == TokenService.kid(forSecret: Array(secret.utf8)))
            let service = await TokenService(
                configured: SigningKey(kid: TokenService.kid(forSecret: Array(secret.utf8)), material: .hmac(Array(secret.utf8))),
                accessTokenTTL: 60, issuer: testConfiguration().publicURL)
            #expect(try await service.verify(token).scope == "me tasks:read tasks:write lists:share")
        }
    }

    @Test func theGeneratedKeyIsKeptAcrossRestarts() async throws {
        try await withSeededDatabase { url in
            let token = try await withTokenFromApp(url: url)
            try await withTestApp({ $0.databaseURL = url }) { api in
                let reply = try await api.send(.get, "/me", token: token)
                #expect(reply.status == 200)
            }
        }
    }

    private func withTokenFromApp(url: DatabaseURL) async throws -> String {
        let box = TokenBox()
        try await withTestApp({ $0.databaseURL = url }) { api in
            try await api.register("alice")
            await box.set(try await api.login("alice"))
        }
        return await box.token
    }
}

actor TokenBox {
    var token = ""
    func set(_ value: String) { token = value }
}
