import Synchronization

/// How many requests are being answered now and how many have been answered: what the shutdown's
/// log lines report. Counted by `RequestLogMiddleware`, which every request crosses.
final class RequestTally: Sendable {
    private let inFlightCount = Atomic<Int>(0)
    private let finishedCount = Atomic<Int>(0)

    var inFlight: Int { inFlightCount.load(ordering: .relaxed) }
    var finished: Int { finishedCount.load(ordering: .relaxed) }

    func started() { inFlightCount.add(1, ordering: .relaxed) }

    func ended() {
        finishedCount.add(1, ordering: .relaxed)
        inFlightCount.subtract(1, ordering: .relaxed)
    }
}
