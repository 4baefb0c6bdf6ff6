/// The one place that decides who may touch which list and task. Every statement that reads or
/// writes a list, a member, an invitation or a task carries `member(...)` (a join) or `guarded(...)`
/// (a condition) from here: the membership check is part of the query that fetches or changes the
/// row, so no path can fetch first and forget to check, and it costs no extra round trip. (A new
/// task in the caller's own default list needs no check: nobody else can hold that list.) Roles
/// are read from the database by each statement, never from the token, and nothing is cached
/// beyond the request: a removed member's next request is refused on every process.
///
/// A guarded statement runs through `first` or `all`: when it finds nothing, the refusal is decided
/// here, once, in the same transaction — "not found" when the caller is no member (the object's
/// existence is not confirmed), "not enough permissions" when their role is too weak, else the
/// object itself is missing. Repositories decide no refusal and write no sentence of the contract.
enum ListAccess {
    /// What the caller is refused, in the contract's words (`ErrorResponse` renders it).
    enum Refusal: Error, Equatable {
        case notFound(Subject)
        case notEnoughPermissions
    }

    enum Subject: String, Sendable {
        case list = "List", task = "Task", member = "Member", invitation = "Invitation", user = "User"
        var notFound: String { rawValue + " not found" }
    }

    /// What a guarded statement was about: a list, or a task (and through it, its list).
    enum Target: Sendable {
        case list(String)
        case task(String)

        /// The subject the caller is told of when they are no member.
        var subject: Subject {
            switch self {
            case .list: .list
            case .task: .task
            }
        }
    }

    /// `statement`'s row, which needs the caller to hold `needed` over `target`; none is refused
    /// (see the type's comment), naming `missing` when the caller's role was enough.
    static func first<Row>(
        _ statement: SQLStatement, _ decode: (SQLRow) throws -> Row, caller: String, over target: Target, needed: ListRole,
        missing: Subject? = nil, on sql: SQLConnection
    ) async throws -> Row {
        if let row = try await sql.first(statement, decode) { return row }
        throw try await refusal(of: caller, over: target, needed: needed, missing: missing, on: sql)
    }

    /// `statement`'s rows; an empty answer is refused when the caller does not hold `needed` over
    /// `target` (a list of theirs may have no rows).
    static func all<Row>(
        _ statement: SQLStatement, _ decode: (SQLRow) throws -> Row, caller: String, over target: Target, needed: ListRole,
        on sql: SQLConnection
    ) async throws -> [Row] {
        let rows = try await sql.all(statement, decode)
        if rows.isEmpty { try await require(caller, holds: needed, over: target, on: sql) }
        return rows
    }

    /// Refuses unless the caller holds at least `needed` over `target`.
    static func require(_ caller: String, holds needed: ListRole, over target: Target, on sql: SQLConnection) async throws {
        let role = try await role(of: caller, over: target, on: sql)
        guard let role else { throw Refusal.notFound(target.subject) }
        if role < needed { throw Refusal.notEnoughPermissions }
    }

    /// Why a guarded statement over `target` found nothing (see the type's comment).
    static func refusal(of caller: String, over target: Target, needed: ListRole, missing: Subject?, on sql: SQLConnection)
        async throws -> Refusal
    {
        try await require(caller, holds: needed, over: target, on: sql)
        return .notFound(missing ?? target.subject)
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

    /// The caller's role over `target`, or `nil` when they are no member (or there is no such task).
    static func role(of caller: String, over target: Target, on sql: SQLConnection) async throws -> ListRole? {
        let statement: SQLStatement =
            switch target {
            case .list(let listID):
                "SELECT role FROM list_members WHERE list_id = \(bind: listID) AND user_id = \(bind: caller)"
            case .task(let taskID):
                """
                SELECT m.role FROM tasks t JOIN list_members m ON m.list_id = t.list_id AND m.user_id = \(bind: caller)
                WHERE t.id = \(bind: taskID)
                """
            }
        return try await sql.first(statement, { ListRole(rawValue: try $0.int(0)) }) ?? nil
    }
}
