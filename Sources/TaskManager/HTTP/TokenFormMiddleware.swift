import Foundation
import HTTPTypes
import OpenAPIRuntime

/// The token endpoints, which answer in RFC 6749's terms rather than the rest of the API's.
enum TokenEndpoint {
    static let operationIDs: Set<String> = ["createToken", "revokeToken"]
    static let formExpected =
        "The request body must be form data (application/x-www-form-urlencoded), as OAuth2 token requests are"
    /// The grant types of Auth0's MFA API, whose wire format the second factor speaks.
    static let mfaOTPGrant = "http://auth0.com/oauth/grant-type/mfa-otp"
    static let mfaRecoveryCodeGrant = "http://auth0.com/oauth/grant-type/mfa-recovery-code"
}

/// RFC 6749 §3.2: a token request is form data, named so by its media type. Without this, a body
/// with no `Content-Type` at all would be read as the form the generated code expects. Also makes
/// the request's HTTP Basic client credentials (§2.3.1) known to the handler.
struct TokenFormMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard TokenEndpoint.operationIDs.contains(operationID) else { return try await next(request, body, metadata) }
        guard Self.isForm(request.headerFields[.contentType]) else {
            throw APIError.oauth(.invalidRequest, TokenEndpoint.formExpected)
        }
        return try await ClientCredentials.$basic.withValue(ClientCredentials.parseBasic(request.headerFields[.authorization])) {
            try await next(request, body, metadata)
        }
    }

    /// `application/x-www-form-urlencoded`, in any case, with or without parameters (`; charset=utf-8`).
    static func isForm(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/x-www-form-urlencoded"
    }
}
