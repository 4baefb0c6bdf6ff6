/// Facts about the current request that services need but the OpenAPI operations do not declare.
/// Set by `EdgeMiddleware` for the whole request.
struct RequestInfo: Sendable {
    var userAgent: String?
    /// For operations that authenticate only sometimes (registration when it is closed). Never logged.
    var authorization: String?
    /// The client as login throttling counts it (see `ClientAddressResolver`).
    var clientAddress = "unknown"

    @TaskLocal static var current = RequestInfo()
}
