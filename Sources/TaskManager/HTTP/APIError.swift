/// Every way a request can fail, in the contract's words. `ErrorResponse` turns them into HTTP,
/// the one place that does.
enum APIError: Error, Equatable {
    case notAuthenticated
    case invalidToken
    case inactiveUser
    case insufficientScope(Scope)
    case badRequest(String)
    /// 403 for a caller whose role in a list is too weak (no `WWW-Authenticate`: not a token matter).
    case forbidden(String)
    case notFound(String)
    case conflict(String)
    case validation([ValidationIssue])
    case payloadTooLarge
    case unsupportedMediaType
    case methodNotAllowed(allowed: [String])
    case oauth(OAuthErrorCode, String)
    /// RFC 6749 §5.2 `invalid_client`: 401 with `WWW-Authenticate: Basic` when the client sent
    /// Basic credentials, else 400.
    case invalidClient(viaBasic: Bool)
    /// The password was right and the user has a second factor: 403 in the shape of Auth0's MFA
    /// API, with the token that the MFA grants finish the login with.
    case mfaRequired(mfaToken: String)
    /// Too many failed logins: 429 with `Retry-After` (seconds).
    case throttled(retryAfter: Int)
    /// The user has as many open event streams as one may: 429 with `Retry-After`.
    case tooManyStreams
    /// RFC 7591 §3.2.2: 400 with the registration's `error`.
    case registration(RegistrationErrorCode, String)
    /// The address registered as many clients as one may in an hour: 429 with `Retry-After`.
    case tooManyRegistrations(retryAfter: Int)
    case serviceUnavailable
    /// More password hashes are waiting than the bcrypt pool's queue allows: 503, try again soon.
    case overloaded
    /// A bug: logged, and answered with a JSON 500 rather than an empty one.
    case internalError

    static func invalid(_ location: [ValidationIssue.Location], _ message: String, type: String = "value_error") -> APIError {
        .validation([ValidationIssue(loc: location, msg: message, type: type)])
    }
}

/// RFC 6749 §5.2 error codes of the token endpoint.
enum OAuthErrorCode: String, Sendable, CaseIterable {
    case invalidRequest = "invalid_request"
    case invalidGrant = "invalid_grant"
    case unsupportedGrantType = "unsupported_grant_type"
    case invalidScope = "invalid_scope"
    case unauthorizedClient = "unauthorized_client"
    // RFC 8628 §3.5: the device grant's answers while the person has not signed in, or no longer can.
    case authorizationPending = "authorization_pending"
    case slowDown = "slow_down"
    case accessDenied = "access_denied"
    case expiredToken = "expired_token"
    /// RFC 8707 §2: a `resource` this server does not serve, or not the one the grant was for.
    case invalidTarget = "invalid_target"
}

/// RFC 7591 §3.2.2 error codes of `POST /register`.
enum RegistrationErrorCode: String, Sendable, CaseIterable {
    case invalidRedirectURI = "invalid_redirect_uri"
    case invalidClientMetadata = "invalid_client_metadata"
}

/// One entry of a 422 body, in FastAPI's shape: `{"loc": ["body", "title"], "msg": "...", "type": "..."}`.
struct ValidationIssue: Encodable, Equatable, Sendable {
    enum Location: Encodable, Equatable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
        CustomStringConvertible
    {
        case key(String)
        case index(Int)

        var description: String {
            switch self {
            case .key(let key): key
            case .index(let index): String(index)
            }
        }

        init(stringLiteral value: String) { self = .key(value) }
        init(integerLiteral value: Int) { self = .index(value) }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .key(let key): try container.encode(key)
            case .index(let index): try container.encode(index)
            }
        }
    }

    var loc: [Location]
    var msg: String
    var type: String
}
