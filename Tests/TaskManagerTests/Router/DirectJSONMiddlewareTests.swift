import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import Synchronization
import Testing

@testable import TaskManager

/// The hot operations through the whole generated pipeline (input decoding, handler, serializer),
/// with and without `DirectJSONMiddleware`: the same status, headers and bytes, and with it the
/// generated serializer writes only the bodiless placeholder and the answer is the writer's.
@Suite struct DirectJSONMiddlewareTests {
    typealias Handler = @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)

    /// Keeps the handlers the generated code registers, by method and path template.
    final class Transport: ServerTransport, Sendable {
        let handlers = Mutex<[String: Handler]>([:])

        func register(_ handler: @escaping Handler, method: HTTPRequest.Method, path: String) throws {
            handlers.withLock { $0["\(method.rawValue) \(path)"] = handler }
        }

        func call(_ method: HTTPRequest.Method, _ template: String, path: String, id: String? = nil, json: String? = nil)
            async throws -> (status: Int, headers: HTTPFields, body: String)
        {
            let handler = try #require(handlers.withLock { $0["\(method.rawValue) \(template)"] })
            var request = HTTPRequest(method: method, scheme: nil, authority: nil, path: path)
            if json != nil { request.headerFields[.contentType] = "application/json" }
            let metadata = ServerRequestMetadata(pathParameters: id.map { ["id": Substring($0)] } ?? [:])
            let (response, body) = try await handler(request, json.map { HTTPBody($0) }, metadata)
            var bytes: [UInt8] = []
            if let body { bytes = try await [UInt8](collecting: body, upTo: .max) }
            return (response.status.code, response.headerFields, String(decoding: bytes, as: UTF8.self))
        }
    }

    /// Innermost: counts the answers the generated serializer wrote without a body (the
    /// placeholders of outputs the middleware writes).
    final class Probe: ServerMiddleware, Sendable {
        let stopped = Mutex(0)

        func intercept(
            _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
            next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
        ) async throws -> (HTTPResponse, HTTPBody?) {
            let (response, body) = try await next(request, body, metadata)
            if body == nil { stopped.withLock { $0 += 1 } }
            return (response, body)
        }
    }

    @Test func answersAsTheGeneratedSerializerWould() async throws {
        let clock = ManualClock()
        try await withDependencies(testConfiguration(), clock: clock.appClock) { dependencies in
            var user = makeUser("alice")
            user.email = "a/\"lice\"@example.com"
            try await UserRepository(database: dependencies.database).create(user)
            let home = try #require(try await ListRepository(database: dependencies.database).page(caller: user.id, after: nil, limit: 1).items.first)
            let principal = Principal(user: user, sessionID: "session", scopes: Scope.allCases, homeListID: home.id)

            let probe = Probe()
            let direct = Transport()
            let generated = Transport()
            let api = APIImplementation(AppServices(dependencies))
            try api.registerHandlers(on: direct, configuration: .taskManager, middlewares: [DirectJSONMiddleware(), probe])
            try api.registerHandlers(on: generated, configuration: .taskManager, middlewares: [])

            try await Principal.$current.withValue(principal) {
                // Created twice, once on each path: the same but for the new id.
                let title = #"Ünïcode \ "quoted" </script> \#u{1}\#n\#t😀"#
                let body = #"{"title": "\#(title.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\u{1}", with: "\\u0001").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t"))", "due_date": "2026-12-24", "priority": "high"}"#
                let created = try await direct.call(.post, "/tasks", path: "/tasks", json: body)
                let reference = try await generated.call(.post, "/tasks", path: "/tasks", json: body)
                #expect(created.status == 201)
                let id = try #require(created.headers[.location]?.removingPercentEncoding?.split(separator: "/").last.map(String.init))
                let referenceID = try #require(reference.headers[.location]?.removingPercentEncoding?.split(separator: "/").last.map(String.init))
                #expect(created.headers == reference.headers.replacing(referenceID, with: id))
                #expect(created.body == reference.body.replacingOccurrences(of: referenceID, with: id))
                #expect(created.body.contains(#""title":"Ünïcode \\ \"quoted\" </script> \u0001\n\t😀""#))
                #expect(probe.stopped.withLock { $0 } == 1)

                for (method, template, path, json) in [
                    (HTTPRequest.Method.get, "/tasks", "/tasks?limit=20", nil),
                    (.get, "/tasks/{id}", "/tasks/\(id)", nil),
                    (.patch, "/tasks/{id}", "/tasks/\(id)", #"{"done": true, "due_date": null}"#),
                    (.get, "/me", "/me", nil),
                    (.patch, "/me", "/me", #"{"full_name": "Alice \"A\" Liddell"}"#),
                ] {
                    let before = probe.stopped.withLock { $0 }
                    let answer = try await direct.call(method, template, path: path, id: template.contains("{id}") ? id : nil, json: json)
                    let expected = try await generated.call(method, template, path: path, id: template.contains("{id}") ? id : nil, json: json)
                    #expect(answer.status == 200, "\(path): \(answer.body)")
                    #expect(answer.headers == expected.headers, "\(path)")
                    #expect(answer.body == expected.body, "\(path)")
                    #expect(probe.stopped.withLock { $0 } == before + 1, "\(path) was not written by the middleware")
                }

                // An empty page, written by the middleware too, as the generated serializer writes it.
                let before = probe.stopped.withLock { $0 }
                let empty = try await direct.call(.get, "/tasks", path: "/tasks?q=nothing-matches")
                let emptyReference = try await generated.call(.get, "/tasks", path: "/tasks?q=nothing-matches")
                #expect(empty.body == #"{"items":[],"next_cursor":null}"#)
                #expect(empty.headers == emptyReference.headers)
                #expect(empty.body == emptyReference.body)
                #expect(probe.stopped.withLock { $0 } == before + 1)
            }
        }
    }
}

extension HTTPFields {
    fileprivate func replacing(_ old: String, with new: String) -> HTTPFields {
        var copy = HTTPFields()
        for field in self { copy.append(HTTPField(name: field.name, value: field.value.replacingOccurrences(of: old, with: new))) }
        return copy
    }
}
