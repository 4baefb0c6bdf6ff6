import Foundation
import ServiceLifecycle
import TaskManagerAPI

/// The body of a `GET /events` stream (server-sent events), written as events arrive: first a
/// comment, the reset if the reader must reload, and what they missed; then, each time the hub
/// wakes it, the reader's new events, read with their access checked at that moment; a comment
/// at each keep-alive. It ends when the hub ends the subscription (token expired, session ended,
/// server stopping), and stops being read when the client goes.
struct EventStreamBody: AsyncSequence, Sendable {
    typealias Element = ArraySlice<UInt8>

    /// Events read at once; a full batch is followed by the next without waiting.
    static let batch = EventService.replayLimit

    let events: EventService
    let hub: EventHub
    let subscription: EventHub.Subscription
    let userID: String
    let start: EventService.StreamStart

    func makeAsyncIterator() -> Iterator {
        Iterator(
            body: self, cursor: start.readOn ?? start.cursor, signals: subscription.signals.makeAsyncIterator(),
            backlog: start.replay.count == Self.batch)
    }

    struct Iterator: AsyncIteratorProtocol {
        let body: EventStreamBody
        var cursor: Int64
        var signals: AsyncStream<EventHub.Signal>.AsyncIterator
        var opened = false
        var backlog: Bool

        mutating func next() async throws -> ArraySlice<UInt8>? {
            if !opened {
                opened = true
                // The start's position as the first id (a frame without data moves a client's
                // Last-Event-ID and dispatches nothing): a client that has had no event yet can
                // resume from it, and need not reload what it shows.
                // What it missed was read with the start (`EventService.openStream`).
                let start = body.start
                let head = start.reset ? ": connected\n\nid: \(start.cursor)\nevent: reset\ndata: {}\n\n" : ": connected\nid: \(start.cursor)\n\n"
                return ArraySlice((head + start.replay.map(EventFrame.text).joined()).utf8)
            }
            if backlog {
                let text = try await read()
                if !text.isEmpty { return ArraySlice(text.utf8) }
            }
            while true {
                let hub = body.hub
                let id = body.subscription.id
                let signal = await withGracefulShutdownHandler {
                    await signals.next()
                } onGracefulShutdown: {
                    // The server is draining: a stream would hold it open.
                    hub.end(id)
                }
                switch signal {
                case nil:
                    return nil
                case .keepAlive?:
                    return ArraySlice(": keep-alive\n\n".utf8)
                case .wake?:
                    let text = try await read()
                    if !text.isEmpty { return ArraySlice(text.utf8) }
                }
            }
        }

        /// The reader's next events after `cursor`, as frames; moves `cursor` past them.
        private mutating func read() async throws -> String {
            // In a child task, for the reason `StreamHandlingMiddleware` gives: the query's frames
            // are not left in the memory of the connection's long-lived task.
            let (events, userID, after) = (body.events, body.userID, cursor)
            async let page = events.events(for: userID, after: after, limit: EventStreamBody.batch)
            let (found, next) = try await page
            backlog = found.count == EventStreamBody.batch
            cursor = next
            return found.map(EventFrame.text).joined()
        }
    }
}

/// One event as a server-sent event: its id, its type, and the event as one line of JSON,
/// written as the generated serializer writes it in `GET /events` and `/activity` pages.
enum EventFrame {
    static func text(_ event: ListEvent) -> String {
        // Strings, numbers and dates only: encoding cannot fail.
        let data = (try? APIJSON.encoder.encode(Components.Schemas.Event(event))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "id: \(event.id)\nevent: \(event.kind.rawValue)\ndata: \(data)\n\n"
    }
}
