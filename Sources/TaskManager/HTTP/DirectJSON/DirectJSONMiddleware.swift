import Foundation
import HTTPTypes
import OpenAPIRuntime
import TaskManagerAPI

/// Writes the successful answers of the hot operations — a task, a page of tasks, the user — with
/// `JSONWriter` instead of the generated serializer's `JSONEncoder`, a quarter of a task list's CPU.
///
/// Everything else stays generated: the input is decoded and the handler runs; the handler offers
/// its typed output to `DirectJSONOutbox` (the one place that explains how), the generated
/// serializer writes a bodiless placeholder, and this writes the offered output in full, with the
/// status and headers the generated serializer would have set. The folder holds the whole fast
/// path: this table, the outbox, `JSONWriter`, the schemas' key lists (`JSONWritable+Schemas.swift`),
/// and the health probes' routes of their own (`ProbeRoutes`).
struct DirectJSONMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let write = Self.writers[operationID] else { return try await next(request, body, metadata) }
        let outbox = DirectJSONOutbox()
        let placeholder = try await DirectJSONOutbox.$current.withValue(outbox) { try await next(request, body, metadata) }
        guard let output = outbox.take() else { return placeholder }
        // An output this table does not know would be a mistake here: a server error, not an empty answer.
        guard let response = write(output) else { throw APIError.internalError }
        return response
    }

    /// The answer for each operation's offered output: the status and headers as the generated
    /// serializer sets them, the body ours.
    static let writers: [String: @Sendable (any Sendable) -> (HTTPResponse, HTTPBody)?] = [
        Operations.ListTasks.id: { output in
            guard case .ok(let ok)? = output as? Operations.ListTasks.Output, case .json(let page) = ok.body else { return nil }
            return answer(.ok, page)
        },
        Operations.GetTask.id: { output in
            guard case .ok(let ok)? = output as? Operations.GetTask.Output, case .json(let task) = ok.body else { return nil }
            return answer(.ok, task)
        },
        Operations.CreateTask.id: { output in
            guard case .created(let created)? = output as? Operations.CreateTask.Output, case .json(let task) = created.body
            else { return nil }
            return answer(.created, task) { $0[.location] = uriHeader(created.headers.location) }
        },
        Operations.UpdateTask.id: { output in
            guard case .ok(let ok)? = output as? Operations.UpdateTask.Output, case .json(let task) = ok.body else { return nil }
            return answer(.ok, task)
        },
        Operations.GetMe.id: { output in
            guard case .ok(let ok)? = output as? Operations.GetMe.Output, case .json(let user) = ok.body else { return nil }
            return answer(.ok, user) { $0[.cacheControl] = uriHeader(ok.headers.cacheControl.rawValue) }
        },
        Operations.UpdateMe.id: { output in
            guard case .ok(let ok)? = output as? Operations.UpdateMe.Output, case .json(let user) = ok.body else { return nil }
            return answer(.ok, user) { $0[.cacheControl] = uriHeader(ok.headers.cacheControl.rawValue) }
        },
    ]

    /// A header's value as the generated serializer writes it (the runtime's URI coding: all but
    /// RFC 3986's unreserved characters percent-encoded, so `Location` is `%2Ftasks%2F…`).
    private static func uriHeader(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func answer(
        _ status: HTTPResponse.Status, _ value: some JSONWritable, headers: (inout HTTPFields) -> Void = { _ in }
    ) -> (HTTPResponse, HTTPBody) {
        var response = HTTPResponse(status: status)
        headers(&response.headerFields)
        var writer = JSONWriter()
        writer.object(value)
        response.headerFields[.contentType] = "application/json; charset=utf-8"
        response.headerFields[.contentLength] = String(writer.bytes.count)
        return (response, HTTPBody(writer.bytes))
    }
}
