/// The `limit` and `cursor` of every paged list, checked one way for all of them: 1 to 100
/// (default 20, or the operation's own), and a cursor this server made.
struct PageQuery {
    static let defaultLimit = 20
    static let limits = 1...100

    var limit: Int
    var cursor: PageCursor?

    /// Adds what is wrong to `issues`, so a handler reports it beside its own query's problems.
    init(limit: Int?, cursor: String?, issues: inout [ValidationIssue], defaultLimit: Int = Self.defaultLimit) {
        self.limit = Self.limit(limit, issues: &issues, defaultLimit: defaultLimit)
        if let cursor {
            self.cursor = PageCursor(encoded: cursor)
            if self.cursor == nil { issues.append(.init(loc: ["query", "cursor"], msg: "Invalid cursor", type: "value_error")) }
        }
    }

    /// The page size asked for (or the default), its problem added to `issues`: for pages whose
    /// cursor is not a `PageCursor` (a list's activity pages by event id).
    static func limit(_ limit: Int?, issues: inout [ValidationIssue], defaultLimit: Int = Self.defaultLimit) -> Int {
        let limit = limit ?? defaultLimit
        if !limits.contains(limit) {
            issues.append(.init(loc: ["query", "limit"], msg: "Input should be between 1 and 100", type: "range_error"))
        }
        return limit
    }
}
