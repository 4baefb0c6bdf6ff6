import Foundation
import TaskManagerClient

/// What `tm watch` knows of the names behind the ids of events: the lists (read once at the
/// start, renamed by `list.updated`) and the titles of the tasks it has seen, so that a
/// `task.deleted`, which carries the id alone, still reads.
struct WatchedNames {
    private(set) var lists: [String: String] = [:]
    private(set) var titles: [String: String] = [:]
    /// Lists looked up since the start because an event named one unknown here: each only once.
    private var lookedUp: Set<String> = []

    init(_ lists: [Components.Schemas.TaskList]) { add(lists) }

    mutating func add(_ lists: [Components.Schemas.TaskList]) {
        for list in lists { self.lists[list.id] = list.name }
    }

    /// Whether to read the lists again for this id: it is unknown, and was not looked up before.
    mutating func shouldLookUp(_ listID: String) -> Bool {
        guard lists[listID] == nil else { return false }
        return lookedUp.insert(listID).inserted
    }

    mutating func learn(from event: Components.Schemas.Event) {
        if let task = event.task?.value1 { titles[task.id] = task.title }
        if let name = event.list?.value1?.name ?? event.list?.value2?.name { lists[event.listId] = name }
        if let invitation = event.invitation { lists[invitation.list.id] = invitation.list.name }
    }
}

/// One event as a line for a person: `12:04:05  bob  task.created  “Buy milk”  (Family)`, the time
/// in this computer's time zone.
enum EventLine {
    static func text(_ event: Components.Schemas.Event, names: WatchedNames) -> String {
        var actor = "-"
        if case .EventActor(let who) = event.actor { actor = who.username }
        let type = event._type.rawValue
        let list = name(of: event.listId, names)
        let place: String
        if type == "task.moved", let from = event.fromListId, from != event.listId {
            place = "(\(name(of: from, names)) → \(list))"
        } else {
            place = "(\(list))"
        }
        return [clock(event.at), actor, type, subject(of: event, names), place]
            .filter { !$0.isEmpty }.joined(separator: "  ").replacingOccurrences(of: "\n", with: " ")
    }

    /// What the event is about: the task's title, the list's name, the member, the invitation.
    static func subject(of event: Components.Schemas.Event, _ names: WatchedNames) -> String {
        if let task = event.task {
            if let full = task.value1 {
                return "“\(full.title)”" + (full.done && event._type.rawValue == "task.updated" ? " ✓" : "")
            }
            let id = task.value2?.id ?? ""
            return names.titles[id].map { "“\($0)”" } ?? "task \(id)"
        }
        if let member = event.member {
            return event._type.rawValue == "member.removed" ? member.username : "\(member.username) as \(member.role.rawValue)"
        }
        if let invitation = event.invitation { return "you, as \(invitation.role.rawValue)" }
        if let name = event.list?.value1?.name ?? event.list?.value2?.name { return "“\(name)”" }
        return ""
    }

    /// A list's name, or the start of its id when this watch never learnt its name.
    static func name(of listID: String, _ names: WatchedNames) -> String {
        names.lists[listID] ?? String(listID.prefix(8))
    }

    /// `12:04:05`, local time.
    static func clock(_ date: Date) -> String {
        let parts = Calendar.current.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }
}
