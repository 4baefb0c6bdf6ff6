import Foundation
import Testing

@testable import TaskManager

/// Lists shared with roles, through the router on a SQLite file and on PostgreSQL: the role matrix,
/// and one test for each class of sharing bug in the anchors' record (Vikunja's advisories).
@Suite struct SharingRouterTests {
    @Test func everyCallerAgainstEveryRoute() async throws {
        try await withAdminApp { api, root in
            let world = try await SharingWorld.make(.router(api), adminToken: root)
            let wrong = try await SharingMatrix.run(world)
            #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
        }
    }

    /// An id in a body is a request to be checked, never a fact.
    @Test func anIdInTheBodyIsChecked() async throws {
        try await withAdminApp { api, root in
            let w = try await SharingWorld.make(.router(api), adminToken: root)
            let speak = w.speak
            // A stranger plants a task in alice's list, or moves one of theirs there.
            var reply = try await speak("POST", "/tasks", w.token(.stranger), jsonBody(["title": "planted", "list_id": w.shared]))
            #expect(reply.status == 422)
            #expect(reply.validationLocations == ["body.list_id"])
            let mine = try #require(try await speak("POST", "/tasks", w.token(.stranger), #"{"title": "mine"}"#).string("id"))
            reply = try await speak("PATCH", "/tasks/\(mine)", w.token(.stranger), jsonBody(["list_id": w.shared]))
            #expect(reply.status == 422)
            #expect(try await speak("GET", "/tasks?list_id=\(w.shared)", w.token(.owner)).items.count == 1)
            // An editor of `shared` may not move a task into `other`, where they are no member.
            reply = try await speak("PATCH", "/tasks/\(w.task)", w.token(.editor), jsonBody(["list_id": w.other]))
            #expect(reply.status == 422)
            // Nor out of `other` into `shared` where dave is no member.
            let inOther = try #require(
                try await speak("POST", "/tasks", w.token(.otherListMember), jsonBody(["title": "o", "list_id": w.other])).string("id"))
            reply = try await speak("PATCH", "/tasks/\(inOther)", w.token(.otherListMember), jsonBody(["list_id": w.shared]))
            #expect(reply.status == 422)
            // Who made a task, and which list owns it, are not the body's to say.
            for body in [#"{"title": "x", "created_by": "someone"}"#, #"{"title": "x", "owner_id": "someone"}"#] {
                #expect(try await speak("POST", "/tasks", w.token(.editor), body).status == 422)
            }
            // Giving a list away to someone who is not a member.
            reply = try await speak("POST", "/lists/\(w.shared)/owner", w.token(.owner), jsonBody(["user_id": w.id(.stranger)]))
            #expect(reply.status == 422)
            #expect(reply.validationLocations == ["body.user_id"])
            // The owner moves a task between two of their lists: allowed, and the others follow.
            reply = try await speak("PATCH", "/tasks/\(w.task)", w.token(.owner), jsonBody(["list_id": w.other]))
            #expect(reply.status == 200)
            #expect(reply.string("list_id") == w.other)
            #expect(try await speak("GET", "/tasks/\(w.task)", w.token(.viewer)).status == 404)
            #expect(try await speak("GET", "/tasks/\(w.task)", w.token(.otherListMember)).status == 200)
            #expect(try await speak("GET", "/tasks", w.token(.otherListMember)).items.contains { $0["id"] as? String == w.task })
            #expect(!(try await speak("GET", "/tasks", w.token(.viewer)).items.contains { $0["id"] as? String == w.task }))
        }
    }

    /// A child is found only under its own parent.
    @Test func aChildIsLookedUpWithItsParent() async throws {
        try await withAdminApp { api, root in
            let w = try await SharingWorld.make(.router(api), adminToken: root)
            let speak = w.speak
            // Erin owns a list with a member and a pending invitation.
            let erinsList = try #require(try await speak("POST", "/lists", w.token(.stranger), #"{"name": "Erin's"}"#).string("id"))
            let guest = try await w.newcomer("ivan")
            let invited = try await speak(
                "POST", "/lists/\(erinsList)/invitations", w.token(.stranger), jsonBody(["username": guest.name, "role": "editor"]))
            let invitation = try #require(invited.string("id"))
            // Alice, owner of `shared`, reaches for them through her own list.
            var reply = try await speak("DELETE", "/lists/\(w.shared)/invitations/\(invitation)", w.token(.owner))
            #expect(reply.status == 404)
            #expect(reply.string("detail") == "Invitation not found")
            #expect(try await speak("GET", "/me/invitations", guest.token).items.count == 1)
            try #require(try await speak("POST", "/me/invitations/\(invitation)/accept", guest.token).status == 200)
            reply = try await speak("PATCH", "/lists/\(w.shared)/members/\(guest.id)", w.token(.owner), #"{"role": "viewer"}"#)
            #expect(reply.status == 404)
            #expect(reply.string("detail") == "Member not found")
            reply = try await speak("DELETE", "/lists/\(w.shared)/members/\(guest.id)", w.token(.owner))
            #expect(reply.status == 404)
            let members = try await speak("GET", "/lists/\(erinsList)/members", guest.token).items
            #expect(members.first { $0["user_id"] as? String == guest.id }?["role"] as? String == "editor")
            // A task is found only by members of its own list, whatever list the caller owns.
            #expect(try await speak("GET", "/tasks/\(w.task)", w.token(.stranger)).status == 404)
        }
    }

    /// Removal takes effect on the very next request, through every door.
    @Test func accessEndsWithRemoval() async throws {
        try await withAdminApp { api, root in
            let w = try await SharingWorld.make(.router(api), adminToken: root)
            let speak = w.speak
            let viewer = w.token(.viewer)
            #expect(try await speak("GET", "/tasks/\(w.task)", viewer).status == 200)
            #expect(try await speak("DELETE", "/lists/\(w.shared)/members/\(w.id(.viewer))", w.token(.owner)).status == 204)
            for path in ["/tasks/\(w.task)", "/lists/\(w.shared)", "/lists/\(w.shared)/members", "/tasks?list_id=\(w.shared)"] {
                #expect(try await speak("GET", path, viewer).status == 404, "\(path)")
            }
            #expect(!(try await speak("GET", "/tasks", viewer).items.contains { $0["id"] as? String == w.task }))
            #expect(!(try await speak("GET", "/lists", viewer).items.contains { $0["id"] as? String == w.shared }))
            // The editor leaves: the same, and what they made stays in the list.
            let made = try #require(
                try await speak("POST", "/tasks", w.token(.editor), jsonBody(["title": "bob's", "list_id": w.shared])).string("id"))
            #expect(try await speak("DELETE", "/lists/\(w.shared)/members/\(w.id(.editor))", w.token(.editor)).status == 204)
            #expect(try await speak("PATCH", "/tasks/\(made)", w.token(.editor), #"{"done": true}"#).status == 404)
            let kept = try await speak("GET", "/tasks/\(made)", w.token(.owner))
            #expect(kept.status == 200)
            #expect(kept.string("created_by") == w.id(.editor))
            // A deleted list takes its tasks with it.
            #expect(try await speak("DELETE", "/lists/\(w.shared)", w.token(.owner)).status == 204)
            #expect(try await speak("GET", "/tasks/\(made)", w.token(.owner)).status == 404)
        }
    }

    /// A cursor taken while a member never yields a task of the list once they have left.
    @Test func aCursorAfterLeavingYieldsNothingOfTheList() async throws {
        try await withAdminApp { api, root in
            let w = try await SharingWorld.make(.router(api), adminToken: root)
            let speak = w.speak
            for index in 0..<4 {
                _ = try await speak("POST", "/tasks", w.token(.owner), jsonBody(["title": "s\(index)", "list_id": w.shared]))
            }
            _ = try await speak("POST", "/tasks", w.token(.viewer), #"{"title": "carol's own"}"#)
            let first = try await speak("GET", "/tasks?limit=2", w.token(.viewer))
            let cursor = try #require(first.string("next_cursor"))
            #expect(try await speak("DELETE", "/lists/\(w.shared)/members/\(w.id(.viewer))", w.token(.viewer)).status == 204)
            let rest = try await speak("GET", "/tasks?limit=100&cursor=\(cursor)", w.token(.viewer))
            #expect(rest.status == 200)
            #expect(rest.items.allSatisfy { $0["list_id"] as? String != w.shared }, "\(rest.body)")
            #expect(try await speak("GET", "/tasks?list_id=\(w.shared)&cursor=\(cursor)", w.token(.viewer)).status == 404)
        }
    }

    /// A viewer reads, and changes nothing through any door.
    @Test func aViewerHasNoSideDoors() async throws {
        try await withAdminApp { api, root in
            let w = try await SharingWorld.make(.router(api), adminToken: root)
            let speak = w.speak
            let viewer = w.token(.viewer)
            let own = try #require(try await speak("POST", "/tasks", viewer, #"{"title": "own"}"#).string("id"))
            let attempts: [(String, String, String?)] = [
                ("PATCH", "/tasks/\(w.task)", #"{"title": "changed"}"#),
                ("PATCH", "/tasks/\(w.task)", jsonBody(["list_id": w.shared])),
                ("DELETE", "/tasks/\(w.task)", nil),
                ("POST", "/tasks", jsonBody(["title": "added", "list_id": w.shared])),
                // Moving a task of their own into the list they only view, or the list's task out.
                ("PATCH", "/tasks/\(own)", jsonBody(["list_id": w.shared])),
                ("PATCH", "/lists/\(w.shared)", #"{"name": "mine now"}"#),
                ("DELETE", "/lists/\(w.shared)", nil),
                ("PATCH", "/lists/\(w.shared)/members/\(w.id(.viewer))", #"{"role": "editor"}"#),
                ("PATCH", "/lists/\(w.shared)/members/\(w.id(.editor))", #"{"role": "viewer"}"#),
                ("DELETE", "/lists/\(w.shared)/members/\(w.id(.editor))", nil),
                ("POST", "/lists/\(w.shared)/owner", jsonBody(["user_id": w.id(.viewer)])),
                ("POST", "/lists/\(w.shared)/invitations", jsonBody(["username": "\(w.prefix)-erin", "role": "editor"])),
                ("GET", "/lists/\(w.shared)/invitations", nil),
            ]
            for (method, path, json) in attempts {
                let reply = try await speak(method, path, viewer, json)
                #expect(reply.status == 403, "\(method) \(path): \(reply.body)")
            }
            let task = try await speak("GET", "/tasks/\(w.task)", w.token(.owner))
            #expect(task.string("title") == "Shared task")
            #expect(task["done"] as? Bool == false)
            let members = try await speak("GET", "/lists/\(w.shared)/members", w.token(.owner)).items
            #expect(members.map { $0["role"] as? String } == ["owner", "editor", "viewer"])
            #expect(try await speak("GET", "/lists/\(w.shared)", w.token(.owner)).string("name") == "Shared")
        }
    }

    /// One list's members never learn another list's members, or its invitations.
    @Test func oneListsMembersStayInTheirList() async throws {
        try await withAdminApp { api, root in
            let w = try await SharingWorld.make(.router(api), adminToken: root)
            let speak = w.speak
            let names = try await speak("GET", "/lists/\(w.shared)/members", w.token(.editor)).items.compactMap { $0["username"] as? String }
            #expect(!names.contains("\(w.prefix)-dave"))
            #expect(try await speak("GET", "/lists/\(w.other)/members", w.token(.editor)).status == 404)
            #expect(try await speak("GET", "/lists/\(w.shared)/members", w.token(.otherListMember)).status == 404)
            #expect(try await speak("GET", "/lists/\(w.shared)/invitations", w.token(.otherListMember)).status == 404)
            // Invitations are seen by their addressee only.
            let newcomer = try await w.newcomer("judy")
            let invitation = try await w.invite(newcomer.name, to: w.shared, as: "viewer")
            for caller in Caller.allCases {
                #expect(!(try await speak("GET", "/me/invitations", w.token(caller)).items.contains { $0["id"] as? String == invitation }))
                #expect(try await speak("POST", "/me/invitations/\(invitation)/accept", w.token(caller)).status == 404)
                #expect(try await speak("DELETE", "/me/invitations/\(invitation)", w.token(caller)).status == 404)
            }
            let mine = try await speak("GET", "/me/invitations", newcomer.token).items
            #expect(mine.count == 1)
            #expect((mine.first?["list"] as? [String: Any])?["name"] as? String == "Shared")
            #expect((mine.first?["invited_by"] as? [String: Any])?["username"] as? String == "\(w.prefix)-alice")
        }
    }

    /// Two accepts of one invitation at once make one membership; an answered invitation is gone.
    @Test func anInvitationIsAnsweredOnce() async throws {
        try await withAdminApp { api, root in
            let w = try await SharingWorld.make(.router(api), adminToken: root)
            let speak = w.speak
            let newcomer = try await w.newcomer("kim")
            let invitation = try await w.invite(newcomer.name, to: w.shared, as: "editor")
            async let first = speak("POST", "/me/invitations/\(invitation)/accept", newcomer.token)
            async let second = speak("POST", "/me/invitations/\(invitation)/accept", newcomer.token)
            let statuses = try await [first.status, second.status].sorted()
            #expect(statuses == [200, 404])
            let members = try await speak("GET", "/lists/\(w.shared)/members", w.token(.owner)).items
            #expect(members.filter { $0["user_id"] as? String == newcomer.id }.count == 1)
            #expect(try await speak("DELETE", "/me/invitations/\(invitation)", newcomer.token).status == 404)
            // Declined and withdrawn ones cannot be accepted afterwards.
            let declinedBy = try await w.newcomer("lee")
            let declined = try await w.invite(declinedBy.name, to: w.shared, as: "viewer")
            #expect(try await speak("DELETE", "/me/invitations/\(declined)", declinedBy.token).status == 204)
            #expect(try await speak("POST", "/me/invitations/\(declined)/accept", declinedBy.token).status == 404)
            let withdrawnFrom = try await w.newcomer("max")
            let withdrawn = try await w.invite(withdrawnFrom.name, to: w.shared, as: "viewer")
            #expect(try await speak("DELETE", "/lists/\(w.shared)/invitations/\(withdrawn)", w.token(.owner)).status == 204)
            #expect(try await speak("POST", "/me/invitations/\(withdrawn)/accept", withdrawnFrom.token).status == 404)
            #expect(try await speak("GET", "/lists/\(w.shared)", withdrawnFrom.token).status == 404)
        }
    }

    @Test func invitationsRefuseWhatCannotBe() async throws {
        try await withAdminApp { api, root in
            let w = try await SharingWorld.make(.router(api), adminToken: root)
            let speak = w.speak
            let owner = w.token(.owner)
            func invite(_ username: String, _ role: String = "viewer") async throws -> Reply {
                try await speak("POST", "/lists/\(w.shared)/invitations", owner, jsonBody(["username": username, "role": role]))
            }
            var reply = try await invite("nobody-\(w.prefix)")
            #expect(reply.status == 404)
            #expect(reply.string("detail") == "User not found")
            #expect(try await invite("\(w.prefix)-alice").status == 409)
            #expect(try await invite("\(w.prefix)-bob").status == 409)
            #expect(try await invite("\(w.prefix)-BOB".uppercased()).status == 409)
            let newcomer = try await w.newcomer("ned")
            #expect(try await invite(newcomer.name).status == 201)
            #expect(try await invite(newcomer.name, "editor").status == 409)
            reply = try await invite(newcomer.name, "owner")
            #expect(reply.status == 422)
            // One user has at most 50 pending invitations out: the newcomer's and 49 more.
            let crowded = try #require(try await speak("POST", "/lists", owner, #"{"name": "Crowded"}"#).string("id"))
            for index in 0..<49 {
                let user = try await w.newcomer("crowd\(index)")
                let made = try await speak("POST", "/lists/\(crowded)/invitations", owner, jsonBody(["username": user.name, "role": "viewer"]))
                try #require(made.status == 201, "\(index): \(made.body)")
            }
            #expect(try await speak("GET", "/lists/\(crowded)/invitations", owner).items.count == 49)
            reply = try await speak(
                "POST", "/lists/\(crowded)/invitations", owner, jsonBody(["username": "\(w.prefix)-erin", "role": "viewer"]))
            #expect(reply.status == 409)
            #expect(reply.string("detail")?.contains("50 pending invitations") == true)
            // Withdrawing one makes room again.
            let first = try #require(try await speak("GET", "/lists/\(crowded)/invitations", owner).items.first?["id"] as? String)
            #expect(try await speak("DELETE", "/lists/\(crowded)/invitations/\(first)", owner).status == 204)
            reply = try await speak(
                "POST", "/lists/\(crowded)/invitations", owner, jsonBody(["username": "\(w.prefix)-erin", "role": "viewer"]))
            #expect(reply.status == 201)
        }
    }

    /// The owner's rules: one per list, never leaving, giving away; a default list stays.
    @Test func ownershipMovesOnlyByGivingTheListAway() async throws {
        try await withAdminApp { api, root in
            let w = try await SharingWorld.make(.router(api), adminToken: root)
            let speak = w.speak
            let owner = w.token(.owner)
            var reply = try await speak("DELETE", "/lists/\(w.shared)/members/\(w.id(.owner))", owner)
            #expect(reply.status == 409)
            reply = try await speak("PATCH", "/lists/\(w.shared)/members/\(w.id(.owner))", owner, #"{"role": "editor"}"#)
            #expect(reply.status == 409)
            reply = try await speak("PATCH", "/lists/\(w.shared)/members/\(w.id(.viewer))", owner, #"{"role": "owner"}"#)
            #expect(reply.status == 422)
            let lists = try await speak("GET", "/lists", owner).items
            let defaultList = try #require(lists.first)
            #expect(defaultList["is_default"] as? Bool == true)
            #expect(defaultList["name"] as? String == "My tasks")
            let defaultID = try #require(defaultList["id"] as? String)
            #expect(try await speak("DELETE", "/lists/\(defaultID)", owner).status == 409)
            #expect(try await speak("PATCH", "/lists/\(defaultID)", owner, #"{"name": "Home"}"#).status == 200)
            try await w.join(.editor, defaultID, as: "editor")
            #expect(try await speak("POST", "/lists/\(defaultID)/owner", owner, jsonBody(["user_id": w.id(.editor)])).status == 409)
            // Shared with bob, alice's default list is not bob's default.
            let seenByBob = try await speak("GET", "/lists/\(defaultID)", w.token(.editor))
            #expect(seenByBob["is_default"] as? Bool == false)
            #expect(seenByBob.string("role") == "editor")

            reply = try await speak("POST", "/lists/\(w.shared)/owner", owner, jsonBody(["user_id": w.id(.viewer)]))
            #expect(reply.status == 200)
            #expect(reply.string("role") == "editor")
            #expect((reply["owner"] as? [String: Any])?["id"] as? String == w.id(.viewer))
            let members = try await speak("GET", "/lists/\(w.shared)/members", w.token(.viewer)).items
            #expect(members.filter { $0["role"] as? String == "owner" }.map { $0["user_id"] as? String } == [w.id(.viewer)])
            // The old owner is an editor now: the owner's routes refuse her.
            #expect(try await speak("PATCH", "/lists/\(w.shared)", owner, #"{"name": "x"}"#).status == 403)
            #expect(try await speak("DELETE", "/lists/\(w.shared)/members/\(w.id(.owner))", owner).status == 204)
        }
    }

    /// `DELETE /me`: the lists it owns go with their tasks; what it made elsewhere stays, unattributed.
    @Test func deletingAnAccountKeepsItsTasksInOtherPeoplesLists() async throws {
        try await withAdminApp { api, root in
            let w = try await SharingWorld.make(.router(api), adminToken: root)
            let speak = w.speak
            let made = try #require(
                try await speak("POST", "/tasks", w.token(.editor), jsonBody(["title": "bob's", "list_id": w.shared])).string("id"))
            let bobsList = try #require(try await speak("POST", "/lists", w.token(.editor), #"{"name": "Bob's"}"#).string("id"))
            let bobsTask = try #require(
                try await speak("POST", "/tasks", w.token(.editor), jsonBody(["title": "b", "list_id": bobsList])).string("id"))
            try #require(try await speak("DELETE", "/me", w.token(.editor)).status == 204)
            let kept = try await speak("GET", "/tasks/\(made)", w.token(.owner))
            #expect(kept.status == 200)
            #expect(kept.body.contains(#""created_by":null"#))
            #expect(try await speak("GET", "/tasks/\(bobsTask)", w.token(.owner)).status == 404)
            let members = try await speak("GET", "/lists/\(w.shared)", w.token(.owner))
            #expect(members["member_count"] as? Int == 2)
            // Alice goes: her lists, with every task in them, go too.
            try #require(try await speak("DELETE", "/me", w.token(.owner)).status == 204)
            #expect(try await speak("GET", "/lists/\(w.shared)", w.token(.viewer)).status == 404)
            #expect(try await speak("GET", "/tasks?list_id=\(w.shared)", w.token(.viewer)).status == 404)
        }
    }

    @Test func listsAreNamedAndPaged() async throws {
        try await withTestApp { api in
            try await api.register("olga")
            let token = try await api.login("olga")
            let bad: [String] = [
                "{}", #"{"name": ""}"#, #"{"name": "   "}"#, #"{"name": null}"#, #"{"name": 5}"#,
                "{\"name\": \"\(String(repeating: "n", count: 101))\"}", #"{"name": "a\u0007b"}"#, #"{"name": "a\u0000b"}"#,
                #"{"name": "ok", "owner_id": "x"}"#,
            ]
            for body in bad {
                let reply = try await api.send(.post, "/lists", token: token, json: body)
                #expect(reply.status == 422, "\(body): \(reply.body)")
            }
            var made: [String] = []
            for index in 0..<5 {
                let reply = try await api.send(.post, "/lists", token: token, json: #"{"name": "List \#(index)"}"#)
                #expect(reply.status == 201)
                #expect(reply.header("Location") == "/lists/\(reply.string("id") ?? "")")
                #expect(reply.string("role") == "owner")
                #expect(reply["member_count"] as? Int == 1)
                made.append(try #require(reply.string("id")))
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let reply = try await api.send(.get, "/lists?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
                #expect(reply.status == 200)
                seen += reply.items.compactMap { $0["id"] as? String }
                cursor = reply.string("next_cursor")
            } while cursor != nil
            #expect(seen.count == 6)
            #expect(Array(seen.dropFirst()) == made)
            for query in ["limit=0", "limit=101", "cursor=nope"] {
                #expect(try await api.send(.get, "/lists?\(query)", token: token).status == 422)
            }
            for id in ["nope", "00000000-0000-0000-0000-000000000000"] {
                let reply = try await api.send(.get, "/lists/\(id)", token: token)
                #expect(reply.status == 404)
                #expect(reply.body == #"{"detail":"List not found"}"#)
            }
            // A token without `lists:share` cannot share, nor answer invitations.
            let narrow = try await api.login("olga", scope: "tasks:read tasks:write")
            let reply = try await api.send(
                .post, "/lists/\(made[0])/invitations", token: narrow, json: #"{"username": "olga", "role": "viewer"}"#)
            #expect(reply.status == 403)
            #expect(reply.challenge == #"Bearer error="insufficient_scope", scope="lists:share""#)
        }
    }
}
