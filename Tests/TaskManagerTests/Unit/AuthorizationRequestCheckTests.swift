import Foundation
import Testing

@testable import TaskManager

/// `GET /authorize`'s checks without a database or a router: the client is a value here.
@Suite struct AuthorizationRequestCheckTests {
    let web = OAuthClient.builtIns(publicURL: "https://tasks.example.com").first { $0.id == OAuthClient.web }!
    let challenge = String(repeating: "a", count: 43)

    func check(_ pairs: [(String, String)]) -> AuthorizationRequestCheck.Outcome {
        AuthorizationRequestCheck.check(ParameterList(pairs), client: web, publicURL: "https://tasks.example.com")
    }

    var valid: [(String, String)] {
        [("response_type", "code"), ("code_challenge", challenge), ("code_challenge_method", "S256"), ("state", "s1")]
    }

    @Test func aCompleteRequestIsAcceptedWithTheRegisteredRedirectURIAndTheClientsScopes() {
        guard case .accepted(let request) = check(valid) else { Issue.record("not accepted"); return }
        #expect(request.redirectURI == "https://tasks.example.com/app/callback")
        #expect(!request.redirectGiven)
        #expect(request.scopes == web.scopes)
        #expect(request.state == "s1")
        #expect(request.codeChallenge == challenge)
    }

    @Test func anUnregisteredOrRepeatedRedirectURIIsShownNeverRedirected() {
        guard case .refused = check(valid + [("redirect_uri", "https://evil.example/cb")]) else { Issue.record("redirected"); return }
        let twice = valid + [("redirect_uri", web.redirectURIs[0]), ("redirect_uri", web.redirectURIs[0])]
        #expect(check(twice) == .refused("redirect_uri is given twice."))
    }

    @Test func theRestGoesBackToTheClientWithItsState() {
        let cases: [([(String, String)], String)] = [
            (valid.filter { $0.0 != "code_challenge_method" }, "invalid_request"),
            (valid.filter { $0.0 != "code_challenge" }, "invalid_request"),
            (valid.map { $0.0 == "response_type" ? ("response_type", "token") : $0 }, "unsupported_response_type"),
            (valid + [("scope", "tasks:read nonsense")], "invalid_scope"),
            (valid + [("scope", "admin")], "invalid_scope"),
            (valid + [("state", "again")], "invalid_request"),
        ]
        for (pairs, error) in cases {
            guard case .rejected(let uri, let state, let got, _) = check(pairs) else { Issue.record("not rejected: \(pairs)"); continue }
            #expect(uri == web.redirectURIs[0])
            #expect(got == error, "\(pairs)")
            #expect(state == (pairs.filter { $0.0 == "state" }.count == 1 ? "s1" : nil))
        }
    }

    @Test func aNarrowerScopeIsKept() {
        guard case .accepted(let request) = check(valid + [("scope", "tasks:read")]) else { Issue.record("not accepted"); return }
        #expect(request.scopes == [.tasksRead])
    }
}
