import Foundation
import HTTPTypes
@_spi(Generated) import OpenAPIRuntime
import TaskManagerAPI

/// Writes the successful answers of the hot operations — a task, a page of tasks, the user — with
/// `JSONWriter` instead of the generated serializer's `JSONEncoder`, a quarter of a task list's CPU.
///
/// Everything else stays generated: the input is decoded, the handler runs, and the serializer
/// begins to encode; `DirectJSONHandOff` (the one place that explains how) stops it and hands the
/// typed output back here, and this writes it in full, with the status and headers the generated
/// serializer would have set. The folder holds the whole fast path: this table, `JSONWriter`, and
/// the schemas' key lists (`JSONWritable+Schemas.swift`).
struct DirectJSONMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let write = Self.writers[operationID] else { return try await next(request, body, metadata) }
        do {
            return try await DirectJSONHandOff.$isActive.withValue(true) { try await next(request, body, metadata) }
        } catch let error as ServerError where error.underlyingError is DirectJSONHandOff.Signal {
            // An output this table does not know would be a mistake here; it stays a server error.
            guard let output = error.operationOutput, let response = try write(output) else { throw error }
            return response
        }
    }

    /// The answer for each operation's outputs that carry a date: the status and headers as the
    /// generated serializer sets them (headers through the runtime's own converter), the body ours.
    static let writers: [String: @Sendable (any Sendable) throws -> (HTTPResponse, HTTPBody)?] = [
        Operations.ListTasks.id: { output in
            guard case .ok(let ok)? = output as? Operations.ListTasks.Output, case .json(let page) = ok.body else { return nil }
            return try answer(.ok, page)
        },
        Operations.GetTask.id: { output in
            guard case .ok(let ok)? = output as? Operations.GetTask.Output, case .json(let task) = ok.body else { return nil }
            return try answer(.ok, task)
        },
        Operations.CreateTask.id: { output in
            guard case .created(let created)? = output as? Operations.CreateTask.Output, case .json(let task) = created.body
            else { return nil }
            return try answer(.created, task) { try converter.setHeaderFieldAsURI(in: &$0, name: HTTPField.Name.location.rawName, value: created.headers.location) }
        },
        Operations.UpdateTask.id: { output in
            guard case .ok(let ok)? = output as? Operations.UpdateTask.Output, case .json(let task) = ok.body else { return nil }
            return try answer(.ok, task)
        },
        Operations.GetMe.id: { output in
            guard case .ok(let ok)? = output as? Operations.GetMe.Output, case .json(let user) = ok.body else { return nil }
            return try answer(.ok, user) { try converter.setHeaderFieldAsURI(in: &$0, name: HTTPField.Name.cacheControl.rawName, value: ok.headers.cacheControl) }
        },
        Operations.UpdateMe.id: { output in
            guard case .ok(let ok)? = output as? Operations.UpdateMe.Output, case .json(let user) = ok.body else { return nil }
            return try answer(.ok, user) { try converter.setHeaderFieldAsURI(in: &$0, name: HTTPField.Name.cacheControl.rawName, value: ok.headers.cacheControl) }
        },
    ]

    private static let converter = Converter(configuration: .taskManager)

    private static func answer(
        _ status: HTTPResponse.Status, _ value: some JSONWritable, headers: (inout HTTPFields) throws -> Void = { _ in }
    ) rethrows -> (HTTPResponse, HTTPBody) {
        var response = HTTPResponse(status: status)
        try headers(&response.headerFields)
        var writer = JSONWriter()
        writer.object(value)
        response.headerFields[.contentType] = "application/json; charset=utf-8"
        response.headerFields[.contentLength] = String(writer.bytes.count)
        return (response, HTTPBody(writer.bytes))
    }
}
