import HTTPTypes

/// The header names the server sets or reads that HTTPTypes does not name.
extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let pragma = Self("Pragma")!
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xRequestID = Self("X-Request-ID")!
}
