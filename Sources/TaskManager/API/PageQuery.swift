/// The `limit` and `cursor` of every paged list, checked one way for all of them: 1 to 100
/// (default 20, or the operation's own), and a cursor this server made.
struct PageQuery {
    static let defaultLimit = 20
    static let limits = 1...100

    var limit: Int
    var cursor: PageCursor?

    /// Adds what is wrong to `issues`, so a handler reports it beside its own query's problems.
    init(limit: Int?, cursor: String?, issues: inout [ValidationIssue], defaultLimit: Int = Self.defaultLimit) {
        self.limit = limit ?? defaultLimit
        if !Self.limits.contains(self.limit) {
            issues.append(.init(loc: ["query", "limit"], msg: "Input should be between 1 and 100", type: "range_error"))
        }
        if let cursor {
            self.cursor = PageCursor(encoded: cursor)
            if self.cursor == nil { issues.append(.init(loc: ["query", "cursor"], msg: "Invalid cursor", type: "value_error")) }
        }
    }
}
