import Foundation

/// What `/authorize` was asked, once every check passed: the sign-in page carries it (as a row the
/// page's anti-forgery value names), and the code it leads to is bound to all of it.
struct AuthorizationRequest: Sendable, Equatable {
    var clientID: String
    var redirectURI: String
    /// `redirect_uri` was in the request (RFC 6749 §4.1.3: then `/token` must repeat it).
    var redirectGiven: Bool
    var scopes: [Scope]
    var state: String?
    var codeChallenge: String
    /// OpenID Connect's `nonce`, returned in the ID token exactly as sent.
    var nonce: String? = nil
    /// OpenID Connect's `prompt` and `max_age`: what `GET /authorize` does with a browser session.
    /// Not kept with the page: once a page is shown, its answer is the person's.
    var prompt: Set<AuthorizationPrompt> = []
    var maxAge: Int? = nil
    /// RFC 8707: what the tokens of the code's session are for.
    var resource = ProtectedResource.api
}

/// OpenID Connect Core §3.1.2.1 `prompt` values this server honours.
enum AuthorizationPrompt: String, Sendable, CaseIterable {
    /// Never a page: the code, or `login_required` / `consent_required`.
    case silent = "none"
    /// The password again, even with a live browser session.
    case login
    /// The Allow page, even when the client's scopes were allowed before.
    case consent
}

/// A device's request (RFC 8628) that a person answers on `/device`: the answer goes to the device
/// grant with this device code's hash; there is no redirect URI and no code challenge.
struct DeviceApprovalRequest: Sendable, Equatable {
    var clientID: String
    var scopes: [Scope]
    var deviceCodeHash: String
}

/// What a sign-in page is for: an app's authorization request, answered with a code sent to its
/// redirect URI, or a device's, answered to the device grant.
enum SignInPurpose: Sendable, Equatable {
    case authorization(AuthorizationRequest)
    case device(DeviceApprovalRequest)

    var clientID: String {
        switch self {
        case .authorization(let request): request.clientID
        case .device(let request): request.clientID
        }
    }

    var scopes: [Scope] {
        switch self {
        case .authorization(let request): request.scopes
        case .device(let request): request.scopes
        }
    }
}

/// An issued authorization code as stored, found by its hash.
struct AuthorizationCode: Sendable, Equatable {
    var request: AuthorizationRequest
    var userID: String
    var expiresAt: Date
    /// How the user signed in on the page: the session the code opens carries it.
    var amr: [AuthMethod] = [.password]
    /// When the person last entered their password (the browser session's); `nil`: the exchange.
    var authTime: Date? = nil
}
