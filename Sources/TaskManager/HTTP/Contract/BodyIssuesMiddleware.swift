import Foundation
import HTTPTypes
import OpenAPIRuntime

/// When a JSON body is refused — by the generated decoder, or for a `null` the decoder would take
/// as absent (see `ExplicitNulls`) — answers with every problem of the body (FastAPI lists all of
/// them) rather than the first, from the shapes the document gives, with the fields' own rules
/// (`FieldRules`). Costs nothing on a body that decodes and holds no `null`.
struct BodyIssuesMiddleware: ServerMiddleware {
    let shapes: [String: BodyShape]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let shape = shapes[operationID], let body else { return try await next(request, body, metadata) }
        // No bytes at all is no body (every JSON body of the document is required), as FastAPI says
        // it, rather than JSON that does not parse.
        if case .known(0) = body.length { throw APIError.invalid(["body"], "Field required", type: "missing") }
        // A null where the document allows none: the whole body is checked now, or the handler
        // would refuse the null alone.
        if !ExplicitNulls.keys.isEmpty, let issues = await Self.issues(of: body, against: shape), !issues.isEmpty {
            throw APIError.validation(issues)
        }
        do {
            return try await next(request, body, metadata)
        } catch let error as ServerError where error.operationInput == nil && error.underlyingError is DecodingError {
            // A query item the decoder refused is the error mapper's to place; malformed JSON has one problem.
            let query = request.path?.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
            guard OpenAPIDocument.compiled.operations[operationID]?.invalidQueryItem(in: query) == nil,
                let issues = await Self.issues(of: body, against: shape), !issues.isEmpty
            else { throw error }
            throw APIError.validation(issues)
        }
    }

    /// Every problem of `body`, or `nil` when it is no JSON.
    private static func issues(of body: HTTPBody, against shape: BodyShape) async -> [ValidationIssue]? {
        // Already in memory: ExplicitNulls collected it, within the body limit.
        guard let bytes = try? await [UInt8](collecting: body, upTo: RequestLimits.maximumBodySize),
            let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        else { return nil }
        return shape.issues(of: value, at: ["body"])
    }
}
