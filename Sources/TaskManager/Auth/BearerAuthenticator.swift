import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Authenticates each operation that the OpenAPI document marks with scopes, before its handler
/// runs: a verified bearer token, a live session of an active user (one indexed query, or this
/// process's `SessionCache` entry younger than a second, so revocation and disabling count within
/// the contract's second on every process), and every scope the operation needs.
struct BearerAuthenticator: ServerMiddleware {
    let operations: [String: OpenAPIDocument.Operation]
    let tokens: TokenService
    let sessions: SessionRepository
    let clock: AppClock
    /// The resource whose tokens it accepts: a token made for another is refused (RFC 8707).
    var resource = ProtectedResource.api

    /// `last_used_at` is written at most this often per session: coalesced, not one write per request.
    static let touchInterval: TimeInterval = 60

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let operation = operations[operationID]
        guard let required = operation?.requiredScopes else {
            // An operation that may go without a token: authenticated when one comes; the handler
            // decides what a missing or refused one means.
            guard operation?.optionalScopes != nil, let header = request.headerFields[.authorization] else {
                return try await next(request, body, metadata)
            }
            let principal: Principal
            do {
                principal = try await authenticate(authorization: header)
            } catch let refused as APIError {
                return try await Principal.$failure.withValue(refused) { try await next(request, body, metadata) }
            }
            return try await Principal.$current.withValue(principal) { try await next(request, body, metadata) }
        }
        let principal = try await authenticate(authorization: request.headerFields[.authorization])
        for scope in required where !principal.scopes.contains(scope) {
            throw APIError.insufficientScope(scope)
        }
        return try await Principal.$current.withValue(principal) {
            try await next(request, body, metadata)
        }
    }

    func authenticate(authorization: String?) async throws -> Principal {
        let now = clock.now()
        guard let token = Self.bearerToken(in: authorization) else { throw APIError.notAuthenticated }
        let claims: AccessClaims
        do {
            claims = try await tokens.verify(token, for: resource)
        } catch {
            throw APIError.invalidToken
        }
        guard let (session, user, homeListID) = try await sessions.findForToken(sessionID: claims.sid),
            user.id == claims.sub.value, session.isLiveTokenSession(at: now)
        else { throw APIError.invalidToken }
        RequestInfo.current.annotations.userID = user.id
        guard user.isActive else { throw APIError.inactiveUser }
        if now.timeIntervalSince(session.lastUsedAt) >= Self.touchInterval {
            try await sessions.touch(sessionID: session.id, now: now)
        }
        let scopes = Scope.honoured(Scope.parseList(claims.scope) ?? [], isAdmin: user.isAdmin)
        return Principal(user: user, sessionID: session.id, scopes: scopes, homeListID: homeListID, tokenExpiresAt: claims.exp.value)
    }

    /// The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive
    /// (RFC 7235 §2.1). `nil` for no header or another scheme.
    static func bearerToken(in header: String?) -> String? {
        // Byte-wise, not through Foundation's trimming: this runs on every authenticated request.
        guard let header else { return nil }
        let bytes = header.utf8
        var start = bytes.startIndex
        while start < bytes.endIndex, bytes[start] == UInt8(ascii: " ") { start = bytes.index(after: start) }
        let scheme = "bearer".utf8
        var index = start
        for expected in scheme {
            guard index < bytes.endIndex, bytes[index] | 0x20 == expected else { return nil }
            index = bytes.index(after: index)
        }
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: " ") else { return nil }
        while index < bytes.endIndex, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
            index = bytes.index(after: index)
        }
        var end = bytes.endIndex
        while end > index, case let last = bytes[bytes.index(before: end)], last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            end = bytes.index(before: end)
        }
        guard index < end else { return nil }
        return String(header[index..<end])
    }
}
