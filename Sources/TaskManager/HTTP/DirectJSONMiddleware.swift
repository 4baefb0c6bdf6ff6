import Foundation
import HTTPTypes
@_spi(Generated) import OpenAPIRuntime
import TaskManagerAPI

/// Writes the successful answers of the hot operations — a task, a page of tasks, the user — with
/// `JSONWriter` instead of the generated serializer's `JSONEncoder`, a quarter of a task list's CPU.
///
/// swift-openapi-runtime has no hook for another JSON encoder, so everything else stays generated:
/// the input is decoded, the handler runs, and the serializer checks `Accept` and begins to encode.
/// Under this middleware, `MillisecondDateTranscoder` stops that encoding at the first date it is
/// asked for by throwing `Deferred`; the runtime hands that error back here with the handler's
/// typed output attached (`ServerError.operationOutput`), and this writes the output in full, with
/// the status and headers the generated serializer would have set. An output without a date (an
/// empty page) is never stopped and finishes in the generated serializer.
struct DirectJSONMiddleware: ServerMiddleware {
    /// Read by `MillisecondDateTranscoder`: true while a response of ours is being serialized.
    @TaskLocal static var defersDates = false

    /// Thrown by the date transcoder to hand the output back to this middleware.
    struct Deferred: Error {}

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let write = Self.writers[operationID] else { return try await next(request, body, metadata) }
        do {
            return try await Self.$defersDates.withValue(true) { try await next(request, body, metadata) }
        } catch let error as ServerError where error.underlyingError is Deferred {
            // An output this table does not know would be a mistake here; it stays a server error.
            guard let output = error.operationOutput, let response = try write(output) else { throw error }
            return response
        }
    }

    /// The answer for each operation's outputs that carry a date: the status and headers as the
    /// generated serializer sets them (headers through the runtime's own converter), the body ours.
    static let writers: [String: @Sendable (any Sendable) throws -> (HTTPResponse, HTTPBody)?] = [
        "listTasks": { output in
            guard case .ok(let ok)? = output as? Operations.ListTasks.Output, case .json(let page) = ok.body else { return nil }
            return try answer(.ok, page)
        },
        "getTask": { output in
            guard case .ok(let ok)? = output as? Operations.GetTask.Output, case .json(let task) = ok.body else { return nil }
            return try answer(.ok, task)
        },
        "createTask": { output in
            guard case .created(let created)? = output as? Operations.CreateTask.Output, case .json(let task) = created.body
            else { return nil }
            return try answer(.created, task) { try converter.setHeaderFieldAsURI(in: &$0, name: "Location", value: created.headers.location) }
        },
        "updateTask": { output in
            guard case .ok(let ok)? = output as? Operations.UpdateTask.Output, case .json(let task) = ok.body else { return nil }
            return try answer(.ok, task)
        },
        "getMe": { output in
            guard case .ok(let ok)? = output as? Operations.GetMe.Output, case .json(let user) = ok.body else { return nil }
            return try answer(.ok, user) { try converter.setHeaderFieldAsURI(in: &$0, name: "Cache-Control", value: ok.headers.cacheControl) }
        },
        "updateMe": { output in
            guard case .ok(let ok)? = output as? Operations.UpdateMe.Output, case .json(let user) = ok.body else { return nil }
            return try answer(.ok, user) { try converter.setHeaderFieldAsURI(in: &$0, name: "Cache-Control", value: ok.headers.cacheControl) }
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
