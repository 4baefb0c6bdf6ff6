import Synchronization

/// Facts about the current request that services need but the OpenAPI operations do not declare.
/// Set by `RequestLogMiddleware` for the whole request.
struct RequestInfo: Sendable {
    var requestID = ""
    var userAgent: String?
    /// The client as login throttling counts it (see `ClientAddressResolver`).
    var clientAddress = "unknown"

    /// What the layers below learn about the request for its log line (the user, once known).
    let annotations = RequestAnnotations()

    @TaskLocal static var current = RequestInfo()
}

final class RequestAnnotations: Sendable {
    private let user = Mutex<String?>(nil)
    var userID: String? {
        get { user.withLock { $0 } }
        set { user.withLock { $0 = newValue } }
    }
}
