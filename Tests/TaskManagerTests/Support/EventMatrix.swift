import Foundation
import Testing

@testable import TaskManager

/// Who gets which event, read from `GET /events` (the JSON page, the same query the stream
/// delivers with): every event type made by the operation that makes it, against every caller of
/// the sharing world. Run through the router and over the wire.
enum EventMatrix {
    /// The caller's events after `after`, oldest first, every page followed.
    static func events(_ world: SharingWorld, _ token: String, after: String) async throws -> [[String: Any]] {
        var items: [[String: Any]] = []
        var cursor = after
        for _ in 0..<50 {
            let page = try await world.speak("GET", "/events?limit=3&after=\(cursor)", token)
            try #require(page.status == 200, "\(page.body)")
            items += page.items
            guard let next = page.string("next_cursor") else { return items }
            cursor = next
        }
        Issue.record("more than 50 pages")
        return items
    }

    /// The newest event id so far.
    static func lastID(_ world: SharingWorld) async throws -> String {
        // The owner reads every event of `shared`; one more change gives a known newest id.
        let made = try await world.speak("POST", "/tasks", world.token(.owner), jsonBody(["title": "mark", "list_id": world.other]))
        try #require(made.status == 201)
        let items = try await world.speak("GET", "/lists/\(world.other)/activity?limit=1", world.token(.owner)).items
        return try #require(items.first?["id"] as? String)
    }

    static func types(_ items: [[String: Any]]) -> [String] { items.compactMap { $0["type"] as? String } }

    /// Returns what was wrong, one line each.
    static func run(_ w: SharingWorld) async throws -> [String] {
        var wrong: [String] = []
        func check(_ condition: Bool, _ line: String) { if !condition { wrong.append(line) } }
        let start = try await lastID(w)
        let alice = w.token(.owner)

        // Task changes in `shared`: its three members see them, no one else.
        let made = try await w.speak("POST", "/tasks", w.token(.editor), jsonBody(["title": "Buy milk", "list_id": w.shared]))
        let milk = try #require(made.string("id"))
        _ = try await w.speak("PATCH", "/tasks/\(milk)", w.token(.editor), #"{"done": true}"#)
        // Refused changes are no events.
        _ = try await w.speak("PATCH", "/tasks/\(milk)", w.token(.viewer), #"{"done": false}"#)
        _ = try await w.speak("PATCH", "/lists/\(w.shared)", alice, #"{"name": "Family"}"#)
        _ = try await w.speak("PATCH", "/lists/\(w.shared)/members/\(w.id(.viewer))", alice, #"{"role": "editor"}"#)
        for caller in Caller.allCases {
            let seen = types(try await events(w, w.token(caller), after: start))
            let expected = caller.isMember ? ["task.created", "task.updated", "list.updated", "member.updated"] : []
            check(seen == expected, "\(caller): \(seen), expected \(expected)")
        }
        // list.updated carries the list with the reader's own role as it is when delivered (carol
        // has become an editor since the rename).
        for (caller, role) in [(Caller.owner, "owner"), (.editor, "editor"), (.viewer, "editor")] {
            let items = try await events(w, w.token(caller), after: start)
            let list = items.first { $0["type"] as? String == "list.updated" }?["list"] as? [String: Any]
            check(list?["name"] as? String == "Family" && list?["role"] as? String == role, "\(caller) list.updated: \(String(describing: list))")
        }

        // A move: the old list's members who are not in the new list see the task's id alone.
        let moving = try await w.freshTask()
        let beforeMove = try await lastID(w)
        _ = try await w.speak("PATCH", "/tasks/\(moving)", alice, jsonBody(["list_id": w.other]))
        let bobSees = try await events(w, w.token(.editor), after: beforeMove)
        let daveSees = try await events(w, w.token(.otherListMember), after: beforeMove)
        let aliceSees = try await events(w, alice, after: beforeMove)
        let bobMove = bobSees.first { $0["type"] as? String == "task.moved" }
        check(
            (bobMove?["task"] as? [String: Any])?.keys.sorted() == ["id"] && bobMove?["list_id"] as? String == w.shared
                && bobMove?["from_list_id"] == nil, "bob's task.moved: \(String(describing: bobMove))")
        let daveMove = daveSees.first { $0["type"] as? String == "task.moved" }
        check(
            (daveMove?["task"] as? [String: Any])?["title"] as? String == "Fresh" && daveMove?["list_id"] as? String == w.other
                && daveMove?["from_list_id"] as? String == w.shared, "dave's task.moved: \(String(describing: daveMove))")
        check(types(aliceSees).filter { $0 == "task.moved" }.count == 1, "alice, a member of both lists, sees one move: \(types(aliceSees))")
        check(types(try await events(w, w.token(.stranger), after: beforeMove)).isEmpty, "erin sees no move")

        // An invitee sees the invitation only, nothing of the list, until they accept; then the
        // list's events from their joining on, beginning with their own member.added.
        let frank = try await w.newcomer("frank")
        let beforeInvite = try await lastID(w)
        let invitation = try await w.invite(frank.name, to: w.shared, as: "viewer")
        _ = try await w.speak("POST", "/tasks", alice, jsonBody(["title": "Before frank", "list_id": w.shared]))
        check(types(try await events(w, frank.token, after: beforeInvite)) == ["invitation.received"], "frank before accepting")
        check(!types(try await events(w, alice, after: beforeInvite)).contains("invitation.received"), "the owner gets no invitation.received")
        let accepted = try await w.speak("POST", "/me/invitations/\(invitation)/accept", frank.token)
        check(accepted.status == 200, "accept: \(accepted.body)")
        _ = try await w.speak("POST", "/tasks", alice, jsonBody(["title": "After frank", "list_id": w.shared]))
        let frankSees = try await events(w, frank.token, after: beforeInvite)
        check(types(frankSees) == ["invitation.received", "member.added", "task.created"], "frank after accepting: \(types(frankSees))")
        let added = frankSees.dropFirst().first
        check(
            (added?["member"] as? [String: Any])?["username"] as? String == frank.name
                && (added?["actor"] as? [String: Any])?["id"] as? String == frank.id, "member.added: \(String(describing: added))")
        check(types(try await events(w, w.token(.editor), after: beforeInvite)).contains("member.added"), "bob sees frank join")

        // A removed member gets their own member.removed and nothing more from that list.
        let beforeRemoval = try await lastID(w)
        _ = try await w.speak("DELETE", "/lists/\(w.shared)/members/\(frank.id)", alice)
        _ = try await w.speak("POST", "/tasks", alice, jsonBody(["title": "After removal", "list_id": w.shared]))
        let frankAfter = try await events(w, frank.token, after: beforeRemoval)
        check(types(frankAfter) == ["member.removed"], "frank after removal: \(types(frankAfter))")
        check(types(try await events(w, w.token(.editor), after: beforeRemoval)) == ["member.removed", "task.created"], "bob after frank's removal")
        // The activity shows the removal once, not the copy addressed to frank.
        let activity = try await w.speak("GET", "/lists/\(w.shared)/activity?limit=3", alice).items
        check(types(activity) == ["task.created", "member.removed", "task.created"], "activity: \(types(activity))")

        // Giving a list away: one member.updated for each of the two, and the list's new owner.
        let (given, _) = try await w.freshList()
        let beforeTransfer = try await lastID(w)
        let transfer = try await w.speak("POST", "/lists/\(given)/owner", alice, jsonBody(["user_id": w.id(.editor)]))
        check(transfer.status == 200, "transfer: \(transfer.body)")
        let transferSeen = try await events(w, w.token(.viewer), after: beforeTransfer)
        check(types(transferSeen) == ["member.updated", "member.updated", "list.updated"], "carol sees the transfer: \(types(transferSeen))")
        let roles = transferSeen.prefix(2).compactMap { ($0["member"] as? [String: Any])?["role"] as? String }
        check(Set(roles) == ["owner", "editor"], "the two roles: \(roles)")

        // Deleting a list: one event for each member, whatever went with it.
        let (doomed, _) = try await w.freshList()
        _ = try await w.speak("POST", "/tasks", alice, jsonBody(["title": "Doomed 1", "list_id": doomed]))
        _ = try await w.speak("POST", "/tasks", alice, jsonBody(["title": "Doomed 2", "list_id": doomed]))
        let beforeDelete = try await lastID(w)
        check(try await w.speak("DELETE", "/lists/\(doomed)", alice).status == 204, "delete list")
        for caller in Caller.allCases {
            let seen = types(try await events(w, w.token(caller), after: beforeDelete))
            let expected = [.owner, .editor, .viewer].contains(caller) ? ["list.deleted"] : []
            check(seen == expected, "\(caller) after the delete: \(seen)")
        }
        let deleted = try await events(w, w.token(.viewer), after: beforeDelete).first?["list"] as? [String: Any]
        check(deleted?["id"] as? String == doomed && deleted?["name"] as? String == "Fresh", "list.deleted: \(String(describing: deleted))")

        // An account deleted: the members of a list it owned get list.deleted, those of a list it
        // was in member.removed, whose actor is gone (null).
        let gina = try await w.newcomer("gina")
        let ginas = try #require(try await w.speak("POST", "/lists", gina.token, #"{"name": "Gina's"}"#).string("id"))
        let toBob = try #require(
            try await w.speak("POST", "/lists/\(ginas)/invitations", gina.token, jsonBody(["username": "\(w.prefix)-bob", "role": "viewer"]))
                .string("id"))
        check(try await w.speak("POST", "/me/invitations/\(toBob)/accept", w.token(.editor)).status == 200, "bob joins gina's list")
        try await w.join(username: gina.name, token: gina.token, w.shared, as: "viewer")
        let beforeGone = try await lastID(w)
        check(try await w.speak("DELETE", "/me", gina.token).status == 204, "gina deletes her account")
        let bobAfterGina = try await events(w, w.token(.editor), after: beforeGone)
        check(types(bobAfterGina).sorted() == ["list.deleted", "member.removed"], "bob after gina left: \(types(bobAfterGina))")
        let ginaRemoved = bobAfterGina.first { $0["type"] as? String == "member.removed" }
        check(
            ginaRemoved?["list_id"] as? String == w.shared && (ginaRemoved?["member"] as? [String: Any])?["user_id"] as? String == gina.id
                && ginaRemoved?["actor"] is NSNull, "gina's member.removed: \(String(describing: ginaRemoved))")
        check(
            bobAfterGina.first { $0["type"] as? String == "list.deleted" }?["list_id"] as? String == ginas, "gina's list.deleted")
        check(types(try await events(w, w.token(.stranger), after: beforeGone)).isEmpty, "erin sees nothing of gina")

        // A task deleted names its id alone.
        let gone = try await w.freshTask()
        let beforeTaskDelete = try await lastID(w)
        _ = try await w.speak("DELETE", "/tasks/\(gone)", alice)
        let deletion = try await events(w, w.token(.viewer), after: beforeTaskDelete).first
        check(
            deletion?["type"] as? String == "task.deleted" && (deletion?["task"] as? [String: Any])?.keys.sorted() == ["id"],
            "task.deleted: \(String(describing: deletion))")
        return wrong
    }
}
