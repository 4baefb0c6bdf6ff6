/// Migration 12: every change to a list is an event, delivered to who may see it.
///
/// - `events.recipient_id`: an event addressed to one user alone — an invitation to its invitee,
///   a removed member's own `member.removed`, each member's `list.deleted` — which no membership
///   can reach (the invitee is no member yet, the removed one no longer, the list is gone). A
///   list's activity leaves them out; its shared twin, where there is one, is in it.
/// - `list_members.since_event`: the id of the event that made the membership (`member.added`),
///   0 for an owner and for memberships older than the log. A member gets the events of the
///   changes made while they are one: those with a larger or equal id.
/// - the indexes of the columns most events leave empty are partial, as every index costs every
///   write;
/// - `event_counter.purged_through`: the largest id the retention job removed, so that a client
///   resuming from an older id is told to reload (`event: reset`) rather than miss events.
enum LiveEventsSchema {
    static let migration = Migrations.Migration(
        version: 12, name: "events for every change, addressed to their readers",
        statements: [
            "ALTER TABLE events ADD COLUMN recipient_id TEXT",
            // Partial: most events are shared, and every index costs each write (the hot path).
            "CREATE INDEX events_recipient ON events (recipient_id, id) WHERE recipient_id IS NOT NULL",
            "DROP INDEX events_from_list",
            "CREATE INDEX events_from_list ON events (from_list_id, id) WHERE from_list_id IS NOT NULL",
            "ALTER TABLE list_members ADD COLUMN since_event BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE event_counter ADD COLUMN purged_through BIGINT NOT NULL DEFAULT 0",
        ])
}
