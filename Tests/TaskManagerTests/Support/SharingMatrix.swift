import Foundation
import Testing

@testable import TaskManager

/// The rules of lists as a table: every list, member, invitation and task route against every kind
/// of caller, with the status each must get. Routes that use their object up (delete, remove,
/// withdraw, give away) get a fresh one per caller, so each cell is judged on its own.
enum SharingMatrix {
    struct Route: Sendable {
        var name: String
        /// The request for this caller: method, path, JSON body.
        var request: @Sendable (SharingWorld, Caller) async throws -> (String, String, String?)
        var expected: @Sendable (Caller) -> Int
    }

    /// Members may read; outsiders (the admin included) find nothing.
    static func read(_ caller: Caller) -> Int { caller.isMember ? 200 : 404 }
    /// Owner and editor may write tasks; a viewer is told why not; outsiders find nothing.
    static func edit(_ ok: Int) -> @Sendable (Caller) -> Int {
        { caller in [.owner, .editor].contains(caller) ? ok : caller == .viewer ? 403 : 404 }
    }
    /// Only the owner; other members are told why not; outsiders find nothing.
    static func own(_ ok: Int) -> @Sendable (Caller) -> Int {
        { caller in caller == .owner ? ok : caller.isMember ? 403 : 404 }
    }

    static let routes: [Route] = [
        Route(name: "GET /lists/{id}", request: { w, _ in ("GET", "/lists/\(w.shared)", nil) }, expected: read),
        Route(name: "PATCH /lists/{id}", request: { w, _ in ("PATCH", "/lists/\(w.shared)", #"{"name": "Renamed"}"#) }, expected: own(200)),
        Route(
            name: "DELETE /lists/{id}", request: { w, _ in ("DELETE", "/lists/\(try await w.freshList().list)", nil) },
            expected: own(204)),
        Route(name: "GET /lists/{id}/members", request: { w, _ in ("GET", "/lists/\(w.shared)/members", nil) }, expected: read),
        Route(name: "GET /lists/{id}/activity", request: { w, _ in ("GET", "/lists/\(w.shared)/activity", nil) }, expected: read),
        Route(
            name: "PATCH /lists/{id}/members/{user_id}",
            request: { w, _ in ("PATCH", "/lists/\(w.shared)/members/\(w.id(.viewer))", #"{"role": "viewer"}"#) }, expected: own(200)),
        Route(
            name: "DELETE /lists/{id}/members/{another member}",
            request: { w, _ in
                let fresh = try await w.freshList(withExtraViewer: true)
                return ("DELETE", "/lists/\(fresh.list)/members/\(fresh.extra!)", nil)
            }, expected: own(204)),
        Route(
            name: "DELETE /lists/{id}/members/{self} (leave)",
            request: { w, caller in ("DELETE", "/lists/\(try await w.freshList().list)/members/\(w.id(caller))", nil) },
            expected: { caller in caller == .owner ? 409 : caller.isMember ? 204 : 404 }),
        Route(
            name: "POST /lists/{id}/owner",
            request: { w, _ in ("POST", "/lists/\(try await w.freshList().list)/owner", jsonBody(["user_id": w.id(.editor)])) },
            expected: own(200)),
        Route(
            name: "POST /lists/{id}/invitations",
            request: { w, _ in
                let invitee = try await w.newcomer("gina")
                return ("POST", "/lists/\(w.shared)/invitations", jsonBody(["username": invitee.name, "role": "viewer"]))
            }, expected: own(201)),
        Route(name: "GET /lists/{id}/invitations", request: { w, _ in ("GET", "/lists/\(w.shared)/invitations", nil) }, expected: own(200)),
        Route(
            name: "DELETE /lists/{id}/invitations/{invitation_id}",
            request: { w, _ in
                let invitee = try await w.newcomer("hank")
                let invitation = try await w.invite(invitee.name, to: w.shared, as: "editor")
                return ("DELETE", "/lists/\(w.shared)/invitations/\(invitation)", nil)
            }, expected: own(204)),
        Route(name: "GET /tasks?list_id=", request: { w, _ in ("GET", "/tasks?list_id=\(w.shared)", nil) }, expected: read),
        Route(
            name: "POST /tasks with list_id",
            request: { w, _ in ("POST", "/tasks", jsonBody(["title": "Added", "list_id": w.shared])) },
            // A list in a body that the caller cannot see is a field error, not a path's 404.
            expected: { caller in [.owner, .editor].contains(caller) ? 201 : caller == .viewer ? 403 : 422 }),
        Route(name: "GET /tasks/{id}", request: { w, _ in ("GET", "/tasks/\(w.task)", nil) }, expected: read),
        Route(name: "PATCH /tasks/{id}", request: { w, _ in ("PATCH", "/tasks/\(w.task)", #"{"done": true}"#) }, expected: edit(200)),
        Route(name: "PATCH /tasks/{id} (empty)", request: { w, _ in ("PATCH", "/tasks/\(w.task)", "{}") }, expected: edit(200)),
        Route(
            name: "DELETE /tasks/{id}", request: { w, _ in ("DELETE", "/tasks/\(try await w.freshTask())", nil) }, expected: edit(204)),
    ]

    /// Runs every cell; returns the cells that got another status than the table's, as lines.
    static func run(_ world: SharingWorld) async throws -> [String] {
        var wrong: [String] = []
        for route in routes {
            for caller in Caller.allCases {
                let (method, path, json) = try await route.request(world, caller)
                let reply = try await world.speak(method, path, world.token(caller), json)
                let expected = route.expected(caller)
                if reply.status != expected {
                    wrong.append("\(route.name) as \(caller.rawValue): \(reply.status), expected \(expected): \(reply.body)")
                }
                if reply.status == 403, reply.json["detail"] as? String != "Not enough permissions on this list" {
                    wrong.append("\(route.name) as \(caller.rawValue): 403 with \(reply.body)")
                }
                if reply.status == 404, !(reply.json["detail"] as? String ?? "").hasSuffix("not found") {
                    wrong.append("\(route.name) as \(caller.rawValue): 404 with \(reply.body)")
                }
            }
        }
        return wrong
    }
}
