import Foundation

/// Times are stored as whole microseconds since the Unix epoch: exact, ordered and the same on every engine.
enum Microseconds {
    static func from(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
    static func date(_ value: Int64) -> Date { Date(timeIntervalSince1970: Double(value) / 1_000_000) }
    /// Now, truncated to what the database keeps, so that values handed out equal values read back.
    static func now() -> Date { date(from(Date())) }
}

/// Where the services read the time: the system clock, or in tests one they move by hand, so that
/// expiry and lock windows are tested without sleeping.
struct AppClock: Sendable {
    var now: @Sendable () -> Date

    static let system = AppClock { Microseconds.now() }
}
