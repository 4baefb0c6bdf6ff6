import Foundation

/// The caller's remembered consents (`/me/consents`): which clients they allowed which scopes, so
/// that a live browser session signs them in without a page; forgetting one brings the page back.
struct ConsentService: Sendable {
    let consents: ConsentRepository
    let clients: ClientAuthenticator

    struct Listed: Sendable {
        var consent: ConsentRepository.Consent
        var clientName: String
    }

    /// Newest first; a client deleted meanwhile takes its consents with it.
    func list(of principal: Principal) async throws -> [Listed] {
        var listed: [Listed] = []
        for consent in try await consents.all(userID: principal.user.id) {
            guard let client = try await clients.find(id: consent.clientID) else { continue }
            listed.append(Listed(consent: consent, clientName: client.name))
        }
        return listed
    }

    func forget(clientID: String, of principal: Principal) async throws {
        guard try await consents.delete(userID: principal.user.id, clientID: clientID) else {
            throw APIError.notFound("Consent not found")
        }
    }
}
