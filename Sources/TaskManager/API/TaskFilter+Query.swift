/// The filters of `GET /tasks` as its query (and the `list_tasks` tool's arguments) give them:
/// each problem goes to `issues`, named as the query parameter, so both front doors refuse alike.
extension TaskFilter {
    init(done: Bool?, q: String?, priority: Priority?, dueBefore: String?, issues: inout [ValidationIssue]) {
        if let q, let problem = FieldRules.searchText(q) {
            issues.append(.init(loc: ["query", "q"], msg: problem, type: FieldRules.textIssueType(q)))
        }
        if let dueBefore, let problem = FieldRules.date(dueBefore) {
            issues.append(.init(loc: ["query", "due_before"], msg: problem, type: "date_from_datetime_parsing"))
        }
        self.init(done: done, titleContains: q, priority: priority, dueBefore: dueBefore)
    }
}
