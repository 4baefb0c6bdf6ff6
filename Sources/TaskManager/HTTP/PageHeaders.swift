import HTTPTypes

/// The headers of the server's own HTML pages (the sign-in page, the web app): a content security
/// policy, no framing, no referrer (the sign-in answer and the app's callback carry a code in
/// the address), and how long a copy may be kept.
enum PageHeaders {
    static func html(policy: String, cacheControl: String) -> HTTPFields {
        [
            .contentType: "text/html; charset=utf-8", .cacheControl: cacheControl, .contentSecurityPolicy: policy,
            .xFrameOptions: "DENY", .referrerPolicy: "no-referrer",
        ]
    }
}
