/// What the server says of itself: readiness, the metrics' exposition, its public URL (the
/// issuer of the metadata) and its public keys (`/readyz`, `/metrics`,
/// `/.well-known/oauth-authorization-server`, `/.well-known/jwks.json`).
struct ServerInfoService: Sendable {
    let database: AppDatabase
    let metrics: AppMetrics
    let requests: RequestTally
    /// The public URL: the OAuth issuer.
    let issuer: String
    let tokens: TokenService

    /// Ready when the database answers.
    func isReady() async -> Bool { await database.ping() }

    /// What ID tokens are signed with.
    var identityAlgorithm: SigningAlgorithm? { tokens.identityAlgorithm }

    /// The JWK Set's keys.
    func publishedKeys() async -> [PublicJWK] { await tokens.publishedKeys() }

    func metricsExposition() -> String {
        metrics.exposition(databaseConnections: database.connectionCount, requestsInFlight: requests.inFlight)
    }
}
