import Foundation
import Testing

@testable import TaskManager

/// Two server processes on one fresh PostgreSQL database (one public URL), with alice's list
/// "Shared" and an invitation to it for bob as an editor, not yet accepted: the start of every test
/// of what must hold across processes for a shared list.
struct TwoProcesses: Sendable {
    let first: LiveServer
    let second: LiveServer
    let one: Speaker
    let two: Speaker
    let alice: (id: String, token: String)
    let bob: (id: String, token: String)
    let list: String
    let invitation: String

    static func withSharedList(_ body: (TwoProcesses) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { url in
            let first = try await LiveServer.start(LiveServer.sharedPublicURL, databaseURL: TestPostgres.urlText(url))
            defer { first.stopInBackground() }
            let second = try await LiveServer.start(LiveServer.sharedPublicURL, databaseURL: TestPostgres.urlText(url))
            defer { second.stopInBackground() }
            let (one, two) = (Speaker.live(first), Speaker.live(second))
            let alice = try await one.account("alice")
            let bob = try await one.account("bob")
            let list = try #require(try await one("POST", "/lists", alice.token, #"{"name": "Shared"}"#).string("id"))
            let invitation = try #require(
                try await one("POST", "/lists/\(list)/invitations", alice.token, #"{"username": "bob", "role": "editor"}"#).string("id"))
            try await body(
                TwoProcesses(
                    first: first, second: second, one: one, two: two, alice: alice, bob: bob, list: list, invitation: invitation))
        }
    }
}
