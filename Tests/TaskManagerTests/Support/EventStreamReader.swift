import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// A server-sent-events stream of the running binary, read over real HTTP as it comes, for the
/// stream's live tests: frames are parsed as they arrive and waited for with a time limit.
final class EventStreamReader: Sendable {
    struct Frame: Sendable, Equatable {
        var id: String?
        var event: String?
        var data: String?
        /// A `:` line's text (keep-alives).
        var comment: String?

        var json: [String: Any]? {
            data.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
    }

    private actor Inbox {
        var frames: [Frame] = []
        var ended = false
        func add(_ frame: Frame) { frames.append(frame) }
        func end() { ended = true }
        func take() -> Frame? { frames.isEmpty ? nil : frames.removeFirst() }
    }

    let status: Int
    let headers: [(String, String)]
    /// The body when the answer is no stream (an error's JSON).
    let body: String
    private let inbox = Inbox()
    private let reading: Task<Void, Never>?

    /// `response`: the stream, read from now on; `nil` for an answer that is none (`body`).
    private init(status: Int, headers: [(String, String)], body: String, response: HTTPClientResponse?) {
        self.status = status
        self.headers = headers
        self.body = body
        guard let response else {
            reading = nil
            return
        }
        let inbox = self.inbox
        reading = Task {
            var pending = ""
            do {
                for try await buffer in response.body {
                    pending += String(buffer: buffer)
                    while let end = pending.range(of: "\n\n") {
                        let block = String(pending[..<end.lowerBound])
                        pending = String(pending[end.upperBound...])
                        await inbox.add(Self.parse(block))
                    }
                }
            } catch {}
            await inbox.end()
        }
    }

    static func parse(_ block: String) -> Frame {
        var frame = Frame()
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") {
                frame.comment = String(line.dropFirst()).trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                var value = line[line.index(after: colon)...]
                if value.first == " " { value = value.dropFirst() }
                switch line[..<colon] {
                case "id": frame.id = String(value)
                case "event": frame.event = String(value)
                case "data": frame.data = (frame.data.map { $0 + "\n" } ?? "") + value
                default: break
                }
            }
        }
        return frame
    }

    /// Opens `GET /events` (or `path`) with `Accept: text/event-stream`.
    static func open(
        _ server: LiveServer, token: String, path: String = "/events", lastEventID: String? = nil
    ) async throws -> EventStreamReader {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response = try await streamingClient.execute(request, timeout: .seconds(30))
        let headers = response.headers.map { ($0.name.lowercased(), $0.value) }
        guard response.status == .ok else {
            let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
            return EventStreamReader(status: Int(response.status.code), headers: headers, body: body, response: nil)
        }
        return EventStreamReader(status: 200, headers: headers, body: "", response: response)
    }

    /// One connection per stream: the shared pool's limit per host would queue the twenty-first.
    private static let streamingClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))

    func header(_ name: String) -> String? { headers.first { $0.0 == name.lowercased() }?.1 }

    /// The next frame that is an event (comments skipped), or `nil` when none came within
    /// `limit` or the stream ended.
    func nextEvent(within limit: Duration = .seconds(5)) async -> Frame? {
        guard reading != nil else { return nil }
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let frame = await inbox.take() {
                if frame.event != nil { return frame }
                continue
            }
            if await inbox.ended { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// The next frame of any kind, comments included.
    func nextFrame(within limit: Duration = .seconds(5)) async -> Frame? {
        guard reading != nil else { return nil }
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let frame = await inbox.take() { return frame }
            if await inbox.ended { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Whether the server ended the stream within `limit`.
    func ends(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            _ = await inbox.take()
            if await inbox.ended { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Closes the connection.
    func close() { reading?.cancel() }
}
