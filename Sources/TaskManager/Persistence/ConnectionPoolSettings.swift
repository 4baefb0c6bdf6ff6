/// PostgreSQL connection-pool settings (SQLite keeps its fixed writer and readers).
struct ConnectionPoolSettings: Sendable, Equatable {
    /// Most connections one process opens.
    var size = 10
    /// Longest wait for a connection (and for connecting) before a request gets 503.
    var timeout: Duration = .seconds(3)
}
