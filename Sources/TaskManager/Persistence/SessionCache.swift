import Foundation
import Synchronization

/// What a bearer token was checked against — its session and user — kept per process for less
/// than the contract's one second: an entry read from the database at time t serves requests only
/// until t + `maxAge`, so a change made by another process is seen within a second. Every change
/// this process makes to a session or a user evicts at once, and an entry whose read began before
/// an eviction is never stored, so this process sees its own changes from its next request.
final class SessionCache: Sendable {
    /// Under one second by a margin for the time a request takes between the read and its use.
    static let maxAge: Duration = .milliseconds(900)
    /// Enough for every busy session of a large process; a full cache starts again.
    static let maxEntries = 10_000

    struct Entry: Sendable {
        var session: LoginSession
        var user: User
        /// The user's default list, which never changes hands: it cannot be given away or deleted.
        var homeListID: String
        var readAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Counts evictions, so that a read that raced one is not stored.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The entry for `sessionID` while it is younger than `maxAge`.
    func lookup(_ sessionID: String, now: ContinuousClock.Instant = .now) -> Entry? {
        state.withLock { state in
            guard let entry = state.entries[sessionID] else { return nil }
            guard now < entry.readAt + Self.maxAge else {
                state.entries[sessionID] = nil
                return nil
            }
            return entry
        }
    }

    /// Taken before a read, and handed back to `store` after it.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Keeps what a read that began at `readAt` found, unless something was evicted since it began.
    func store(_ entry: Entry, ifGeneration generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= Self.maxEntries {
                let now = ContinuousClock.now
                state.entries = state.entries.filter { now < $0.value.readAt + Self.maxAge }
                if state.entries.count >= Self.maxEntries { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[entry.session.id] = entry
        }
    }

    /// A this-process write of `last_used_at`, which no other rule depends on: no eviction needed.
    func markUsed(sessionID: String, at date: Date) {
        state.withLock { $0.entries[sessionID]?.session.lastUsedAt = date }
    }

    func evict(sessionID: String) {
        state.withLock { state in
            state.generation &+= 1
            state.entries[sessionID] = nil
        }
    }

    /// Every session of the user: the user's own row is part of each entry.
    func evict(userID: String) {
        state.withLock { state in
            state.generation &+= 1
            state.entries = state.entries.filter { $0.value.user.id != userID }
        }
    }

    /// Every entry: for a change that ends the sessions of many users at once (a client deleted).
    func evictAll() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll()
        }
    }
}
