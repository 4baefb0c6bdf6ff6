import Foundation

/// The caller's events (`GET /events`) and a list's history (`GET /lists/{id}/activity`): what
/// the log holds, as each reader may see it.
struct EventService: Sendable {
    let log: EventLog
    let hub: EventHub

    /// Where a stream starts: after `cursor`; `reset` when the reader's position was older than
    /// the log or no event id, so what they show must be reloaded.
    struct StreamStart: Sendable, Equatable {
        var cursor: Int64
        var reset: Bool
        /// Whether the log has events after `cursor` (the reader asked to resume from before its end).
        var behind: Bool
        /// The first events to send, already read (at most `replayLimit`), and where reading goes
        /// on after them.
        var replay: [ListEvent] = []
        var readOn: Int64? = nil
    }

    /// Events a stream's start reads at once; a full batch is followed by the next without waiting.
    static let replayLimit = 100

    /// An event id as `after`, `cursor` and `Last-Event-ID` carry it: decimal digits.
    static func eventID(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return Int64(text)
    }

    /// The caller's events after `after` (without it, from the oldest kept), oldest first, and
    /// the next page's `after` when there may be more. An `after` that is no event id is a 422.
    func page(caller: String, after text: String?, limit: Int) async throws -> (items: [ListEvent], next: Int64?) {
        var after: Int64 = 0
        if let text {
            guard let id = Self.eventID(text), id <= (try await log.bounds().last) else {
                throw APIError.invalid(["query", "after"], "Not an event id")
            }
            after = id
        }
        let items = try await log.events(for: caller, after: after, limit: limit + 1)
        let page = Array(items.prefix(limit))
        return (page, items.count > limit ? page.last?.id : nil)
    }

    /// Registers a stream for `principal` and says where it starts: after `after` (a query's,
    /// refused when it is no event id) or `lastEventID` (a reconnecting client's, which starts
    /// again with a reset when it is no event id or older than the log), else at the end of the
    /// log. Registered first, so no event committed in between is missed.
    func openStream(for principal: Principal, after: String?, lastEventID: String?) async throws -> (EventHub.Subscription, StreamStart) {
        let afterID = try after.map { text in
            guard let id = Self.eventID(text) else { throw APIError.invalid(["query", "after"], "Not an event id") }
            return id
        }
        let subscription: EventHub.Subscription
        do {
            subscription = try hub.open(userID: principal.user.id, sessionID: principal.sessionID, expiresAt: principal.tokenExpiresAt)
        } catch {
            throw APIError.tooManyStreams
        }
        do {
            var start = try await start(after: afterID, lastEventID: lastEventID)
            hub.opened(at: start.cursor)
            // What the reader missed is read here, in the request's task, not by the body: a
            // stream's connection task keeps the memory of its deepest call for as long as it
            // lives (see `StreamHandlingMiddleware`), and a query is the deepest there is.
            if start.behind {
                (start.replay, start.readOn) = try await events(for: principal.user.id, after: start.cursor, limit: Self.replayLimit)
            }
            return (subscription, start)
        } catch {
            hub.end(subscription.id)
            throw error
        }
    }

    private func start(after afterID: Int64?, lastEventID: String?) async throws -> StreamStart {
        let bounds = try await log.bounds()
        let asked = afterID ?? lastEventID.map { Self.eventID($0) ?? -1 }
        guard let asked else { return StreamStart(cursor: bounds.last, reset: false, behind: false) }
        if afterID != nil, asked > bounds.last { throw APIError.invalid(["query", "after"], "Not an event id") }
        guard asked >= bounds.purgedThrough, asked <= bounds.last else { return StreamStart(cursor: bounds.last, reset: true, behind: false) }
        return StreamStart(cursor: asked, reset: false, behind: asked < bounds.last)
    }

    /// The caller's events after `cursor`, at most `limit`, each as they may see it now, and the
    /// cursor to read on from: past the events of others too when fewer came, so that a quiet
    /// reader does not read everyone's again (ids commit in order, and an event the reader may
    /// not see does not become theirs later).
    func events(for caller: String, after cursor: Int64, limit: Int) async throws -> (events: [ListEvent], cursor: Int64) {
        let last = try await log.bounds().last
        let found = try await log.events(for: caller, after: cursor, limit: limit)
        guard found.count < limit else { return (found, found.last?.id ?? cursor) }
        return (found, max(cursor, last, found.last?.id ?? cursor))
    }

    /// The list's history, newest first, for any member.
    func activity(listID: String, caller: String, before cursor: Int64?, limit: Int) async throws -> (items: [ListEvent], next: Int64?) {
        try await log.activity(listID: pathID(listID), caller: caller, before: cursor, limit: limit)
    }
}
