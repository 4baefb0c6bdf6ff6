/// The one place that decides who may touch which list and task. Every statement that reads or
/// writes a list, a member, an invitation or a task carries `member(...)` (a join) or `guarded(...)`
/// (a condition) from here: the membership check is part of the query that fetches or changes the
/// row, so no path can fetch first and forget to check, and it costs no extra round trip. (A new
/// task in the caller's own default list needs no check: nobody else can hold that list.) Roles
/// are read from the database by each statement, never from the token, and nothing is cached
/// beyond the request: a removed member's next request is refused on every process.
///
/// When a guarded statement finds nothing, `refusal` tells "not found" (the caller is no member,
/// and the object's existence is not confirmed) from "not enough permissions" (a member whose role
/// is too weak), by the caller's role read in the same transaction.
enum ListAccess {
    /// What the caller is refused, in the contract's words (`ErrorResponse` renders it).
    enum Refusal: Error, Equatable {
        case notFound(Subject)
        case notEnoughPermissions
        case conflict(String)
        /// A body field names something the caller cannot use (422 at `["body", field]`).
        case invalidField(String, String)
    }

    enum Subject: String, Sendable {
        case list = "List", task = "Task", member = "Member", invitation = "Invitation", user = "User"
        var notFound: String { rawValue + " not found" }
    }

    /// `JOIN list_members access …`: only rows of lists where the caller holds at least `role`;
    /// `access.role` is then the caller's role.
    static func member(caller: String, atLeast role: ListRole, listColumn: String) -> SQLStatement {
        """
        JOIN list_members access ON access.list_id = \(unsafeRaw: listColumn) \
        AND access.user_id = \(bind: caller) AND access.role >= \(bind: role.rawValue)
        """
    }

    /// SQL condition: the caller holds at least `role` in the list whose id is the column `listColumn`.
    static func guarded(caller: String, atLeast role: ListRole, listColumn: String) -> SQLStatement {
        guarded(caller: caller, atLeast: role, list: SQLStatement(unsafeRaw: listColumn))
    }

    /// SQL condition: the caller holds at least `role` in the list `listID` (an id from the request).
    static func guarded(caller: String, atLeast role: ListRole, listID: String) -> SQLStatement {
        guarded(caller: caller, atLeast: role, list: "\(bind: listID)")
    }

    private static func guarded(caller: String, atLeast role: ListRole, list: SQLStatement) -> SQLStatement {
        """
        EXISTS (SELECT 1 FROM list_members guard WHERE guard.list_id = \(list) \
        AND guard.user_id = \(bind: caller) AND guard.role >= \(bind: role.rawValue))
        """
    }

    /// The caller's role in `listID`, or `nil` when they are no member.
    static func role(of caller: String, inList listID: String, on sql: SQLConnection) async throws -> ListRole? {
        try await sql.first(
            "SELECT role FROM list_members WHERE list_id = \(bind: listID) AND user_id = \(bind: caller)",
            { ListRole(rawValue: try $0.int(0)) }) ?? nil
    }

    /// The caller's role in the list that holds `taskID`, or `nil` when there is no such task or
    /// the caller is no member of its list.
    static func role(of caller: String, overTask taskID: String, on sql: SQLConnection) async throws -> ListRole? {
        try await sql.first(
            """
            SELECT m.role FROM tasks t JOIN list_members m ON m.list_id = t.list_id AND m.user_id = \(bind: caller)
            WHERE t.id = \(bind: taskID)
            """, { ListRole(rawValue: try $0.int(0)) }) ?? nil
    }

    /// Why a guarded statement about `subject` found nothing, for a caller whose role is `role`:
    /// no member → not found; a role under `needed` → not enough permissions; else the object
    /// itself is not there.
    static func refusal(_ subject: Subject, role: ListRole?, needed: ListRole) -> Refusal {
        guard let role, role < needed else { return .notFound(subject) }
        return .notEnoughPermissions
    }

    /// For the list of a request: no member → "List not found", else as `refusal`.
    static func refusal(listRole role: ListRole?, needed: ListRole, else subject: Subject) -> Refusal {
        guard let role else { return .notFound(.list) }
        return role < needed ? .notEnoughPermissions : .notFound(subject)
    }
}
