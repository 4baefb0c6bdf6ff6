/// One thing `TaskManagerConnection.events(after:)` yields: a change, or word that changes were missed.
public enum LiveEvent: Sendable, Hashable {
    /// A change to one of your lists (or an invitation to you): the API's `Event`, and its JSON
    /// exactly as the server sent it (one line), for apps that keep or pass on the raw form.
    case change(Components.Schemas.Event, json: String)
    /// Your position was older than the server's log keeps, or no event id at all: changes may have
    /// been missed, so reload what you show. The stream goes on after `id` (the server's own).
    case reset(id: String?)

    /// The event's id (`after` and `Last-Event-ID` take it), or the position a reset moved to.
    public var id: String? {
        switch self {
        case .change(let event, _): event.id
        case .reset(let id): id
        }
    }
}

/// Event ids: decimal digits, larger for every later event, of any length.
enum EventID {
    /// Whether `id` comes after `other`, compared as numbers (not as text: "10" follows "9").
    static func isAfter(_ id: String, _ other: String) -> Bool {
        let (left, right) = (id.drop { $0 == "0" }, other.drop { $0 == "0" })
        if left.count != right.count { return left.count > right.count }
        return left > right
    }
}
