import Foundation
import HTTPTypes
import OpenAPIRuntime

/// RFC 6749 §3.2: a token request is form data, named so by its media type. Without this, a body
/// with no `Content-Type` at all would be read as the form the generated code expects. Also makes
/// the request's HTTP Basic client credentials (§2.3.1) known to the handler.
struct TokenFormMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard TokenEndpoint.operationIDs.contains(operationID) else { return try await next(request, body, metadata) }
        guard FormFields.isForm(contentType: request.headerFields[.contentType]) else {
            throw APIError.oauth(.invalidRequest, TokenEndpoint.formExpected)
        }
        return try await ClientCredentials.$basic.withValue(ClientCredentials.parseBasic(request.headerFields[.authorization])) {
            try await next(request, body, metadata)
        }
    }
}
