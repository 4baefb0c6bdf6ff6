/// Migration 11: the event log, written by the operation layer in the transaction of the change it
/// records (`EventLog`), so that no change commits without its event and no event without its change.
///
/// On PostgreSQL ids come from the one row of `event_counter`, taken with `UPDATE … RETURNING`: the
/// row stays locked until the transaction ends, so a later id always commits later. A reader that
/// has seen an event has therefore seen every event with a smaller id — what a PostgreSQL sequence,
/// whose values can commit out of order, would not promise. SQLite's writes are one at a time, so
/// there the next id is the largest plus one and the counter is not used.
///
/// `list_id` has no foreign key: a list's history outlives the list. `actor_id` names the user
/// whose request made the change; their name is read when the event is.
enum EventLogSchema {
    static let migration = Migrations.Migration(
        version: 11, name: "the event log",
        statements: [
            """
            CREATE TABLE events (
                id           BIGINT PRIMARY KEY,
                list_id      TEXT NOT NULL,
                type         TEXT NOT NULL,
                at           BIGINT NOT NULL,
                actor_id     TEXT,
                from_list_id TEXT,
                data         TEXT NOT NULL
            )
            """,
            "CREATE INDEX events_list ON events (list_id, id)",
            "CREATE INDEX events_from_list ON events (from_list_id, id)",
            "CREATE TABLE event_counter (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), last_id BIGINT NOT NULL)",
            "INSERT INTO event_counter (singleton, last_id) VALUES (1, 0)",
        ])
}
