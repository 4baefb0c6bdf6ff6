/// What an access token is for (RFC 8707): the API, or the MCP endpoint. Each accepts only tokens
/// made for it; a session's tokens all have its one audience.
enum ProtectedResource: String, Sendable, CaseIterable {
    case api
    case mcp

    /// Where it lives under the public URL: its identifier is the public URL plus this.
    var path: String {
        switch self {
        case .api: ""
        case .mcp: "/mcp"
        }
    }

    /// Its identifier, a token's `aud` (RFC 8707 §2): the public URL for the API.
    func identifier(publicURL: String) -> String { publicURL + path }

    /// Its protected-resource metadata document (RFC 9728 §3.1: the well-known name inserted
    /// before the resource's path).
    func metadataURL(publicURL: String) -> String { publicURL + "/.well-known/oauth-protected-resource" + path }

    /// The resource a request's `resource` names, compared exactly; `nil` for none.
    static func named(_ identifier: String, publicURL: String) -> ProtectedResource? {
        allCases.first { $0.identifier(publicURL: publicURL) == identifier }
    }

    /// As a column keeps it: `NULL` for the API, which every row before v4 was for.
    var stored: String? { self == .api ? nil : rawValue }

    init(stored: String?) { self = stored.flatMap(ProtectedResource.init(rawValue:)) ?? .api }
}
