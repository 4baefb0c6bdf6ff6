import Foundation

/// How a client at the token endpoint says who it is (RFC 6749 §2.3.1): HTTP Basic, or
/// `client_id` (and `client_secret`) in the form — never both ways at once.
struct ClientCredentials: Sendable, Equatable {
    var id: String?
    var secret: String?
    var viaBasic = false

    /// `Authorization: Basic` of this request, set by `TokenFormMiddleware` on the token endpoints;
    /// `.malformed` when the header is Basic but not `id:secret` in base64.
    @TaskLocal static var basic: BasicHeader = .absent

    enum BasicHeader: Sendable, Equatable {
        case absent
        case malformed
        case present(id: String, secret: String)
    }

    /// Reads an `Authorization` header; another scheme (a bearer token) is no client credential.
    static func parseBasic(_ header: String?) -> BasicHeader {
        guard let header else { return .absent }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic" else { return .absent }
        guard let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":"),
            // Each part is form-encoded first (§2.3.1).
            let id = String(text[..<colon]).removingPercentEncoding, let secret = String(text[text.index(after: colon)...]).removingPercentEncoding
        else { return .malformed }
        return .present(id: id, secret: secret)
    }

    /// The request's credentials: the Basic header's, or the form's.
    static func resolve(formID: String?, formSecret: String?) throws -> ClientCredentials {
        switch basic {
        case .absent:
            return ClientCredentials(id: formID.flatMap { $0.isEmpty ? nil : $0 }, secret: formSecret.flatMap { $0.isEmpty ? nil : $0 })
        case .malformed:
            throw APIError.invalidClient(viaBasic: true)
        case .present(let id, let secret):
            guard formSecret == nil || formSecret == "", formID == nil || formID == "" || formID == id else {
                throw APIError.oauth(.invalidRequest, "Send the client's credentials one way: HTTP Basic or the form")
            }
            return ClientCredentials(id: id, secret: secret, viaBasic: true)
        }
    }
}
