/// What the server says of itself: readiness, the metrics' exposition and its public URL, the
/// issuer of the metadata (`/readyz`, `/metrics`, `/.well-known/oauth-authorization-server`).
struct ServerInfoService: Sendable {
    let database: AppDatabase
    let metrics: AppMetrics
    let requests: RequestTally
    /// The public URL: the OAuth issuer.
    let issuer: String

    /// Ready when the database answers.
    func isReady() async -> Bool { await database.ping() }

    func metricsExposition() -> String {
        metrics.exposition(databaseConnections: database.connectionCount, requestsInFlight: requests.inFlight)
    }
}
