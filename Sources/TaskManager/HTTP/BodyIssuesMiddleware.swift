import Foundation
import HTTPTypes
import OpenAPIRuntime

/// When the generated decoder refuses a JSON body, answers with every problem of the body (FastAPI
/// lists all of them) rather than the decoder's first, from the shapes the document gives. Costs
/// nothing on a body that decodes.
struct BodyIssuesMiddleware: ServerMiddleware {
    let shapes: [String: BodyShape]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let shape = shapes[operationID], let body else { return try await next(request, body, metadata) }
        do {
            return try await next(request, body, metadata)
        } catch let error as ServerError where error.operationInput == nil && error.underlyingError is DecodingError {
            // A query item the decoder refused is the error mapper's to place; malformed JSON has one problem.
            let query = request.path?.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
            guard OpenAPIDocument.compiled.operations[operationID]?.invalidQueryItem(in: query) == nil,
                // Already in memory: ExplicitNulls collected it, within the body limit.
                let bytes = try? await [UInt8](collecting: body, upTo: RequestLimits.maximumBodySize),
                let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
            else { throw error }
            let issues = shape.issues(of: value, at: ["body"])
            guard !issues.isEmpty else { throw error }
            throw APIError.validation(issues)
        }
    }
}
