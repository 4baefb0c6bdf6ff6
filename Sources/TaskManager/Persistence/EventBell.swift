import Synchronization

/// Rung when events have been committed, so that the streams of this process read the log: by
/// the SQLite engine after a write that appended one commits, and on PostgreSQL by the
/// notification every such commit sends (`EventHub` listens). Rings that come while the one
/// listener is busy fold into one.
final class EventBell: Sendable {
    let rings: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    /// Whether any stream of this process is open: without one a ring would wake nobody, and a
    /// write skips it (a stream that opens reads the log from where it starts).
    private let listened = Atomic<Bool>(false)

    init() {
        (rings, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func ring() {
        if listened.load(ordering: .sequentiallyConsistent) { continuation.yield() }
    }

    func setListened(_ value: Bool) { listened.store(value, ordering: .sequentiallyConsistent) }
}

/// Whether SQLite's current write appended an event: set by `EventLog`, taken by the engine when
/// the write ends (one write runs at a time), which rings the bell only once it has committed.
final class EventMark: Sendable {
    private let appended = Atomic<Bool>(false)
    let bell: EventBell

    init(bell: EventBell) { self.bell = bell }

    func set() { appended.store(true, ordering: .relaxed) }

    /// After a commit: rings when the write appended an event.
    func committed() {
        if appended.exchange(false, ordering: .relaxed) { bell.ring() }
    }

    /// After a rollback: the events went with it.
    func rolledBack() { appended.store(false, ordering: .relaxed) }
}
