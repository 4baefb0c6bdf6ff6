import Foundation
import OpenAPIRuntime

extension TaskManagerConnection {
    /// Your events as they happen: every change to the lists you are a member of, and invitations
    /// to you, from `GET /events` (server-sent events), oldest first.
    ///
    /// ```swift
    /// for try await element in server.events() {
    ///     switch element {
    ///     case .change(let event, _): print(event.id, event._type.rawValue, event.listId)
    ///     case .reset: reloadEverything()  // changes were missed
    ///     }
    /// }
    /// ```
    ///
    /// The stream is kept open for as long as it is iterated: when the server closes it (its access
    /// token expired, or a proxy cut it) or the network drops, the sequence connects again, with a
    /// fresh token when needed and `Last-Event-ID` set to the last id it yielded, so the server
    /// replays what came in between. It never yields an id twice, and waits between attempts that
    /// fail (1 s, doubling to 30 s; `Retry-After` when the server has too many of your streams).
    /// Events of a kind newer than this client are passed over.
    ///
    /// It ends (returns `nil`) when the iterating task is cancelled, and throws
    /// `TaskManagerClientError.signedOut` when the session is over (a 401 after a refresh, or the
    /// refresh refused), `.eventsRefused` for a refusal that asking again would not change (403:
    /// the token lacks `tasks:read`), or a `DecodingError` for an event that does not read.
    ///
    /// - Parameter after: an event id to start after (what came since is replayed first); `nil`
    ///   for what happens from now on. An id older than the server's log, or no event id, starts
    ///   with `.reset`.
    public func events(after: String? = nil) -> AsyncThrowingStream<LiveEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<LiveEvent, any Error>.makeStream()
        let reader = EventStreamReader(client: client, start: after.flatMap { $0.isEmpty ? nil : $0 })
        let task = Task {
            do {
                try await reader.run { element in _ = continuation.yield(element) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: Task.isCancelled ? nil : error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

/// The loop behind `events(after:)`: one `GET /events` stream at a time, read with the runtime's
/// server-sent-events decoding, opened again after every end until it is cancelled or refused.
struct EventStreamReader: Sendable {
    let client: Client
    /// Where the first connection starts (`Last-Event-ID`); `nil` for now.
    let start: String?

    /// Connections that last this long, or bring an event, count as healthy: the backoff starts over,
    /// and one the server closes is opened again at once.
    static let healthy: Duration = .seconds(2)

    func run(_ yield: (LiveEvent) -> Void) async throws {
        var lastID = start
        var backoff = Backoff()
        let decoder = Self.eventDecoder()
        while !Task.isCancelled {
            let opened = ContinuousClock.now
            var delivered = false
            var closedByServer = false
            do {
                switch try await open(after: lastID) {
                case .wait(let delay):
                    try await Task.sleep(for: delay)
                    continue
                case .stream(let body):
                    for try await frame in body.asDecodedServerSentEvents() {
                        guard let element = try Self.element(of: frame, after: &lastID, decoder: decoder) else { continue }
                        delivered = true
                        yield(element)
                    }
                    closedByServer = true
                }
            } catch {
                if Task.isCancelled { return }
                if let fatal = Self.fatal(error) { throw fatal }
                // Anything else is the network's or a passing failure of the server's: try again.
            }
            let wasHealthy = delivered || ContinuousClock.now - opened >= Self.healthy
            if wasHealthy { backoff.reset() }
            // The server ends a stream when its access token expires: connect again at once (the
            // middleware renews the token). A stream that ends as soon as it opens waits like a failure.
            if closedByServer && wasHealthy { continue }
            try await Task.sleep(for: backoff.next())
        }
    }

    enum Answer {
        case stream(HTTPBody)
        /// Too many streams open: try again after this long.
        case wait(Duration)
    }

    /// The server cannot serve now (503 or another 5xx): tried again after the backoff.
    struct Unavailable: Error {
        let status: Int
    }

    /// `GET /events` with `Accept: text/event-stream` and `Last-Event-ID`; the bearer token (fresh,
    /// or renewed and sent again after a 401) is the authentication middleware's.
    func open(after lastID: String?) async throws -> Answer {
        let output = try await client.listEvents(
            headers: .init(lastEventID: lastID, accept: [.init(contentType: .textEventStream)]))
        switch output {
        case .ok(let ok):
            guard case .textEventStream(let body) = ok.body else {
                throw TaskManagerClientError.eventsRefused(status: 200, detail: "The server sent a page of events, not a stream")
            }
            return .stream(body)
        case .unauthorized:
            // The middleware already renewed the token and asked again.
            throw TaskManagerClientError.signedOut
        case .forbidden(let refusal):
            throw TaskManagerClientError.eventsRefused(status: 403, detail: (try? refusal.body.json.detail) ?? "Forbidden")
        case .unprocessableContent:
            throw TaskManagerClientError.eventsRefused(status: 422, detail: "The server refused the request for events")
        case .tooManyRequests(let busy):
            return .wait(.seconds(max(busy.headers.retryAfter, 1)))
        case .serviceUnavailable:
            throw Unavailable(status: 503)
        case .undocumented(let status, _):
            if status >= 500 { throw Unavailable(status: status) }
            throw TaskManagerClientError.eventsRefused(status: status, detail: "The server answered \(status)")
        }
    }

    /// What one frame of the stream gives the consumer, if anything, keeping `lastID` up to date.
    static func element(of frame: ServerSentEvent, after lastID: inout String?, decoder: JSONDecoder) throws -> LiveEvent? {
        if frame.event == "reset" {
            // The server's position replaces ours, even when it is smaller (ours was unknown to it).
            lastID = frame.id
            return .reset(id: frame.id)
        }
        // A comment (`: connected`, `: keep-alive`) ends as a frame without data.
        guard let data = frame.data, !data.isEmpty else { return nil }
        if let type = frame.event, Components.Schemas.Event._TypePayload(rawValue: type) == nil {
            // A kind of event newer than this client: passed over, its place kept.
            if let id = frame.id, lastID.map({ EventID.isAfter(id, $0) }) ?? true { lastID = id }
            return nil
        }
        let event = try decoder.decode(Components.Schemas.Event.self, from: Data(data.utf8))
        let id = frame.id ?? event.id
        // Already yielded: a replay that overlaps what came before the connection dropped.
        if let lastID, !EventID.isAfter(id, lastID) { return nil }
        lastID = id
        return .change(event, json: data)
    }

    /// The error that ends the sequence, or `nil` for one worth trying again after (no answer, a
    /// dropped connection, a server that is busy or failing).
    static func fatal(_ error: any Error) -> (any Error)? {
        switch error {
        case let known as TaskManagerClientError:
            return known
        case is DecodingError:
            return error
        case let clientError as ClientError:
            if let known = clientError.underlyingError as? TaskManagerClientError { return known }
            // An answer the generated code could not read (an app's middleware may also throw on one).
            guard let status = clientError.response?.status.code else { return nil }
            switch status {
            case 401: return TaskManagerClientError.signedOut
            case 429, 500...: return nil
            case 400..<500: return TaskManagerClientError.eventsRefused(status: status, detail: clientError.causeDescription)
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Dates as the server writes them (`2026-11-29T10:15:00.000Z`), as the generated client reads them.
    static func eventDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { source in
            let text = try source.singleValueContainer().decode(String.self)
            if let date = try? ISO8601DateTranscoder.iso8601WithFractionalSeconds.decode(text) { return date }
            return try ISO8601DateTranscoder.iso8601.decode(text)
        }
        return decoder
    }
}

/// Waits between failed attempts: 1 s, doubling to 30 s.
struct Backoff {
    private var delay: Duration = .seconds(1)

    mutating func next() -> Duration {
        defer { delay = min(delay * 2, .seconds(30)) }
        return delay
    }

    mutating func reset() { delay = .seconds(1) }
}
