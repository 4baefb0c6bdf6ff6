import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Where this process's open event streams wait. The bell (`EventBell`) says that events were
/// committed; the hub reads once which users may read them and wakes only those users' streams,
/// each of which then reads its own events, its access checked in that read. An idle stream
/// costs no query: once a second one query checks the sessions of all streams together, and a
/// stream whose session ended or whose token expired is ended.
final class EventHub: Service, Sendable {
    enum Signal: Sendable, Equatable {
        /// Events for this stream's user may have been committed.
        case wake
        /// Time for a comment line, which keeps proxies from closing an idle stream and shows
        /// the server a closed one.
        case keepAlive
    }

    /// An open stream's signals; it finishes when the stream must end (its token expired, its
    /// session ended, the server stops).
    struct Subscription: Sendable {
        let id: UInt64
        let signals: AsyncStream<Signal>
    }

    /// The user has `perUserLimit` open streams.
    struct TooManyStreams: Error {}

    static let perUserLimit = 20
    /// The contract's 15 seconds, less the second between two checks and a margin.
    static let keepAliveInterval: TimeInterval = 13
    /// Seconds between the hub's own rings while streams are open.
    static let safetyRing = 5

    private struct OpenStream {
        var userID: String
        var sessionID: String
        var expiresAt: Date
        var continuation: AsyncStream<Signal>.Continuation
    }

    private struct State {
        var streams: [UInt64: OpenStream] = [:]
        var nextID: UInt64 = 0
        /// The largest event id whose readers were woken.
        var woken: Int64?
        var lastKeepAlive = Date.distantPast
    }

    private let state = Mutex(State())
    /// Said at each stream's opening: PostgreSQL's listening begins with the first (a process
    /// that never streams holds no connection for it, and a start that fails tries none).
    private let streamOpened = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    private let log: EventLog
    private let sessions: SessionRepository
    private let database: AppDatabase
    private let clock: AppClock
    private let logger: Logger

    init(database: AppDatabase, clock: AppClock, logger: Logger) {
        self.database = database
        self.log = EventLog(database: database)
        self.sessions = SessionRepository(database: database)
        self.clock = clock
        self.logger = logger
    }

    /// Opens a stream for the user of `sessionID` until `expiresAt`; at most `perUserLimit` a user.
    func open(userID: String, sessionID: String, expiresAt: Date) throws(TooManyStreams) -> Subscription {
        let (signals, continuation) = AsyncStream.makeStream(of: Signal.self)
        let id: UInt64? = state.withLock { state in
            guard state.streams.values.count(where: { $0.userID == userID }) < Self.perUserLimit else { return nil }
            state.nextID += 1
            state.streams[state.nextID] = OpenStream(userID: userID, sessionID: sessionID, expiresAt: expiresAt, continuation: continuation)
            database.eventBell.setListened(true)
            return state.nextID
        }
        guard let id else { throw TooManyStreams() }
        streamOpened.continuation.yield()
        // The stream is closed (its reader gone) or ended: it stops counting.
        continuation.onTermination = { [weak self] _ in self?.forget(id) }
        return Subscription(id: id, signals: signals)
    }

    /// A stream starts after `cursor`: the hub wakes for every later event.
    func opened(at cursor: Int64) {
        // Not lowered by a stream that starts further back: it reads what came before by itself,
        // and the hub then need not find the readers of days of the log.
        state.withLock { $0.woken = $0.woken ?? cursor }
    }

    /// Ends the stream `id` now (the server is stopping).
    func end(_ id: UInt64) {
        let stream = state.withLock { $0.streams.removeValue(forKey: id) }
        stream?.continuation.finish()
        forget(id)
    }

    /// How many streams are open in this process.
    var openCount: Int { state.withLock { $0.streams.count } }

    private func forget(_ id: UInt64) {
        let bell = database.eventBell
        state.withLock { state in
            state.streams.removeValue(forKey: id)
            // Under the lock, so that a stream opening meanwhile is not counted out.
            if state.streams.isEmpty {
                bell.setListened(false)
                state.woken = nil
            }
        }
    }

    /// Until cancelled or graceful shutdown: wakes streams when the bell rings, listens for other
    /// processes' commits (PostgreSQL), and once a second sends keep-alives and ends the streams
    /// whose token or session ended.
    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.dispatchRings() }
                if self.database.isPostgres { group.addTask { await self.listen() } }
                group.addTask { await self.tick() }
            }
        }
        endAll()
    }

    private func endAll() {
        let bell = database.eventBell
        let streams = state.withLock { state in
            defer {
                state.streams.removeAll()
                bell.setListened(false)
            }
            return Array(state.streams.values)
        }
        for stream in streams { stream.continuation.finish() }
    }

    private func dispatchRings() async {
        for await _ in database.eventBell.rings {
            do {
                try await wakeReaders()
            } catch {
                logger.warning("events: cannot read the log to wake streams", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Wakes the streams of every user who may read an event committed since the last call.
    func wakeReaders() async throws {
        // No stream open: nothing to read (a stream opening says where it starts, `opened(at:)`).
        let idle = state.withLock { state in
            if state.streams.isEmpty { state.woken = nil }
            return state.streams.isEmpty
        }
        if idle { return }
        let last = try await log.bounds().last
        let from = state.withLock { $0.woken } ?? last
        guard last > from else {
            state.withLock { $0.woken = max($0.woken ?? last, last) }
            return
        }
        let readers = try await log.readers(after: from, through: last)
        let continuations = state.withLock { state in
            state.woken = max(state.woken ?? last, last)
            return state.streams.values.filter { readers.contains($0.userID) }.map(\.continuation)
        }
        for continuation in continuations { continuation.yield(.wake) }
    }

    /// PostgreSQL, from the first stream on: every commit that wrote events notifies; listening
    /// again after a lost connection, with a ring in case a commit came meanwhile.
    private func listen() async {
        var opened = streamOpened.stream.makeAsyncIterator()
        guard await opened.next() != nil else { return }
        let bell = database.eventBell
        while !Task.isCancelled {
            do {
                // Rung once listening: a commit made before that point is read now.
                try await database.listenForEvents(listening: { bell.ring() })
            } catch {
                if Task.isCancelled { return }
                logger.warning("events: listening failed; again in a second", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func tick() async {
        var seconds = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            await checkStreams()
            // Now and then a ring of its own: a wake that failed, or a notification lost with a
            // half-open connection, delays an event by seconds, not until the next commit.
            seconds += 1
            if seconds.isMultiple(of: Self.safetyRing), openCount > 0 { database.eventBell.ring() }
        }
    }

    /// Keep-alives every `keepAliveInterval`; the end of every stream whose token expired or
    /// whose session ended (revoked, expired, its user disabled or deleted).
    func checkStreams() async {
        let now = clock.now()
        let (open, keepAlive) = state.withLock { state in
            let due = now.timeIntervalSince(state.lastKeepAlive) >= Self.keepAliveInterval
            if due { state.lastKeepAlive = now }
            return (state.streams, due)
        }
        guard !open.isEmpty else { return }
        // Before the query, which may wait for a connection: the 15 seconds hold.
        if keepAlive {
            for stream in open.values { stream.continuation.yield(.keepAlive) }
        }
        var ended = Set(open.filter { $0.value.expiresAt <= now }.keys)
        let sessionIDs = Array(Set(open.values.map(\.sessionID)))
        if let live = try? await sessions.liveTokenSessions(among: sessionIDs, at: now) {
            ended.formUnion(open.filter { !live.contains($0.value.sessionID) }.keys)
        }
        for id in ended { end(id) }
    }
}
