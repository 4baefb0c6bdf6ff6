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
    /// A device's request (RFC 8628) rather than a redirect: the person's answer goes to the device
    /// grant with this device code's hash, and there is no redirect URI or code challenge.
    var deviceCodeHash: String? = nil
}

/// An issued authorization code as stored, found by its hash.
struct AuthorizationCode: Sendable, Equatable {
    var request: AuthorizationRequest
    var userID: String
    var expiresAt: Date
    /// How the user signed in on the page: the session the code opens carries it.
    var amr: [AuthMethod] = [.password]
}
