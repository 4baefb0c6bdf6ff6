import Foundation
import HTTPTypes
import Testing

@testable import TaskManager

/// How a sharing test speaks to a server: through the router, or over HTTP to the running binary.
/// The same tables of rules run through both.
struct Speaker: Sendable {
    let send: @Sendable (_ method: String, _ path: String, _ token: String?, _ json: String?, _ form: String?) async throws -> Reply
    /// A JSON request with headers of its own (`/mcp` needs its `Accept`).
    let sendWithHeaders: @Sendable (_ method: String, _ path: String, _ token: String?, _ json: String, _ headers: [(String, String)]) async throws -> Reply

    static func router(_ api: RouterClient) -> Speaker {
        Speaker(
            send: { method, path, token, json, form in
                try await api.send(.init(method)!, path, token: token, json: json, form: form)
            },
            sendWithHeaders: { method, path, token, json, headers in
                var fields = HTTPFields()
                for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
                return try await api.send(.init(method)!, path, token: token, json: json, headers: fields)
            })
    }

    static func live(_ server: LiveServer) -> Speaker {
        Speaker(
            send: { method, path, token, json, form in
                try await server.send(.init(rawValue: method), path, token: token, json: json, form: form)
            },
            sendWithHeaders: { method, path, token, json, headers in
                try await server.send(.init(rawValue: method), path, token: token, json: json, headers: headers)
            })
    }

    static let password = "correct horse battery"

    func callAsFunction(_ method: String, _ path: String, _ token: String? = nil, _ json: String? = nil) async throws -> Reply {
        try await send(method, path, token, json, nil)
    }

    /// Registers `name` and returns its id and a token with every scope it may have.
    func account(_ name: String) async throws -> (id: String, token: String) {
        let made = try await self("POST", "/users", nil, jsonBody(["username": name, "password": Self.password]))
        try #require(made.status == 201, "registration of \(name): \(made.body)")
        return (try #require(made.string("id")), try await token(name))
    }

    /// `resource`: RFC 8707's, such as the MCP endpoint's (`/mcp` appended to the public URL).
    func token(_ name: String, scope: String? = nil, resource: String? = nil) async throws -> String {
        var fields = [("username", name), ("password", Self.password)]
        if let scope { fields.append(("scope", scope)) }
        if let resource { fields.append(("resource", resource)) }
        let reply = try await send("POST", "/token", nil, nil, formBody(fields))
        try #require(reply.status == 200, "login of \(name): \(reply.body)")
        return try #require(reply.string("access_token"))
    }
}

/// Who calls, in the role matrix: every role of a list, and every kind of outsider.
enum Caller: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case owner, editor, viewer
    /// A member of another list of the same owner.
    case otherListMember
    /// An account in no list of the owner's.
    case stranger
    /// An admin with the `admin` scope: it gives no access to other people's lists.
    case admin

    var testDescription: String { rawValue }
    var isMember: Bool { [.owner, .editor, .viewer].contains(self) }
}

/// One server's cast: alice owns `shared` with bob (editor) and carol (viewer); dave edits alice's
/// `other` list; erin is in none of alice's lists; root is an admin. `task` is alice's, in `shared`.
struct SharingWorld: Sendable {
    let speak: Speaker
    let ids: [Caller: String]
    let tokens: [Caller: String]
    let shared: String
    let other: String
    let task: String
    /// A fresh name for each account a test makes.
    let prefix: String

    static func make(_ speak: Speaker, adminToken: String) async throws -> SharingWorld {
        let prefix = "w" + UUID().uuidString.prefix(6).lowercased()
        var ids: [Caller: String] = [:]
        var tokens: [Caller: String] = [.admin: adminToken]
        let adminID: String = try #require(try await speak("GET", "/me", adminToken).string("id"))
        ids[.admin] = adminID
        for (caller, name) in [(Caller.owner, "alice"), (.editor, "bob"), (.viewer, "carol"), (.otherListMember, "dave"), (.stranger, "erin")] {
            let account = try await speak.account("\(prefix)-\(name)")
            ids[caller] = account.id
            tokens[caller] = account.token
        }
        let alice = tokens[.owner]!
        let shared = try #require(try await speak("POST", "/lists", alice, #"{"name": "Shared"}"#).string("id"))
        let other = try #require(try await speak("POST", "/lists", alice, #"{"name": "Other"}"#).string("id"))
        var world = SharingWorld(speak: speak, ids: ids, tokens: tokens, shared: shared, other: other, task: "", prefix: prefix)
        try await world.join(.editor, shared, as: "editor")
        try await world.join(.viewer, shared, as: "viewer")
        try await world.join(.otherListMember, other, as: "editor")
        let task = try await speak("POST", "/tasks", alice, jsonBody(["title": "Shared task", "list_id": shared]))
        try #require(task.status == 201, "\(task.body)")
        world = SharingWorld(
            speak: speak, ids: ids, tokens: tokens, shared: shared, other: other, task: try #require(task.string("id")),
            prefix: prefix)
        return world
    }

    func token(_ caller: Caller) -> String { tokens[caller]! }
    func id(_ caller: Caller) -> String { ids[caller]! }

    /// `caller` is invited to `list` by alice as `role` and accepts.
    func join(_ caller: Caller, _ list: String, as role: String) async throws {
        try await join(username: "\(prefix)-\(Self.names[caller]!)", token: token(caller), list, as: role)
    }

    func join(username: String, token: String, _ list: String, as role: String) async throws {
        let invitation = try await invite(username, to: list, as: role)
        let accepted = try await speak("POST", "/me/invitations/\(invitation)/accept", token)
        try #require(accepted.status == 200, "\(accepted.body)")
    }

    /// Alice invites `username`; returns the invitation's id.
    func invite(_ username: String, to list: String, as role: String) async throws -> String {
        let reply = try await speak(
            "POST", "/lists/\(list)/invitations", token(.owner), jsonBody(["username": username, "role": role]))
        try #require(reply.status == 201, "\(reply.body)")
        return try #require(reply.string("id"))
    }

    /// A new account, for tests that need one more person.
    func newcomer(_ name: String) async throws -> (name: String, id: String, token: String) {
        let username = "\(prefix)-\(name)-\(UUID().uuidString.prefix(8).lowercased())"  // 4 hex digits collided among a matrix's ~100
        let account = try await speak.account(username)
        return (username, account.id, account.token)
    }

    /// A new list of alice's with bob as editor and carol as viewer (and, when asked, a newcomer
    /// viewer), for routes that use their list up.
    func freshList(withExtraViewer: Bool = false) async throws -> (list: String, extra: String?) {
        let list = try #require(try await speak("POST", "/lists", token(.owner), #"{"name": "Fresh"}"#).string("id"))
        try await join(.editor, list, as: "editor")
        try await join(.viewer, list, as: "viewer")
        guard withExtraViewer else { return (list, nil) }
        let extra = try await newcomer("frank")
        try await join(username: extra.name, token: extra.token, list, as: "viewer")
        return (list, extra.id)
    }

    /// A new task of alice's in `shared`.
    func freshTask() async throws -> String {
        let reply = try await speak("POST", "/tasks", token(.owner), jsonBody(["title": "Fresh", "list_id": shared]))
        return try #require(reply.string("id"))
    }

    /// The name (after the world's prefix) of `caller`'s account; not the admin's.
    static func name(of caller: Caller) -> String { names[caller]! }

    private static let names: [Caller: String] = [
        .owner: "alice", .editor: "bob", .viewer: "carol", .otherListMember: "dave", .stranger: "erin",
    ]
}
