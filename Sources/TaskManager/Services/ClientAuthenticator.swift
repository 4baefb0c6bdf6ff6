import Foundation

/// Finds clients (the built-in ones and the registered ones) and checks what a client says at the
/// token endpoint: a public client names itself, a confidential one also proves its secret.
struct ClientAuthenticator: Sendable {
    let clients: ClientRepository
    /// The public URL the built-in clients' redirect URIs follow.
    let publicURL: String

    func find(id: String) async throws -> OAuthClient? {
        if let builtIn = OAuthClient.builtIns(publicURL: publicURL).first(where: { $0.id == id }) { return builtIn }
        // Registered ids are UUIDs: anything else (a NUL included, which PostgreSQL could not compare) is no one.
        guard let id = canonicalID(id) else { return nil }
        return try await clients.find(id: id)
    }

    /// The client the credentials name, or `invalid_client`: unknown, a wrong or missing secret of a
    /// confidential client, or a secret sent by a public one.
    func authenticate(_ credentials: ClientCredentials) async throws -> OAuthClient {
        let refused = APIError.invalidClient(viaBasic: credentials.viaBasic)
        guard let id = credentials.id, let client = try await find(id: id) else { throw refused }
        if client.confidential {
            guard let secret = credentials.secret, let stored = client.secretHash, constantTimeEqual(OpaqueToken.hash(secret), stored)
            else { throw refused }
        } else if credentials.secret != nil {
            throw refused
        }
        return client
    }
}
