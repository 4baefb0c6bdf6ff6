import Testing

@testable import TaskManager

@Suite struct SQLStatementTests {
    @Test func bindsBecomeEachEnginesPlaceholdersInOrder() {
        let owner: String? = nil
        var statement: SQLStatement = "SELECT \(unsafeRaw: "id, title") FROM tasks WHERE owner_id = \(bind: "alice")"
        statement += " AND done = \(bind: true) AND due_date = \(bind: owner)"
        let conditions: [SQLStatement] = ["a = \(bind: 1)", "b = \(bind: Int64(2))", "c = 3"]
        statement += " AND \(conditions.joined(separator: " AND ")) LIMIT \(bind: 21)"

        #expect(SQLDialect.sqlite.text(of: statement) == "SELECT id, title FROM tasks WHERE owner_id = ? AND done = ? AND due_date = ? AND a = ? AND b = ? AND c = 3 LIMIT ?")
        #expect(SQLDialect.postgres.text(of: statement) == "SELECT id, title FROM tasks WHERE owner_id = $1 AND done = $2 AND due_date = $3 AND a = $4 AND b = $5 AND c = 3 LIMIT $6")
        #expect(statement.binds == [.text("alice"), .bool(true), .null, .integer(1), .integer(2), .integer(21)])
    }

    @Test func anEmptyListJoinsToNothing() {
        #expect(SQLDialect.postgres.text(of: [SQLStatement]().joined(separator: ", ")) == "")
    }

    /// Values survive the trip through each engine's bindings and column decoding.
    @Test(arguments: TestEngine.available)
    func valuesRoundTripThroughEveryEngine(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let text = "ünï code \"quoted\" 'single' \\ %_ 😀"
            let row = try await db.read { sql in
                try await sql.first(
                    "SELECT \(bind: text), \(bind: Int64.min), \(bind: Int64.max), CAST(\(bind: String?.none) AS TEXT)"
                ) { row in
                    (try row.string(0), try row.int64(1), try row.int64(2), try row.optionalString(3), try row.optionalInt64(3))
                }
            }
            let (readText, minimum, maximum, noText, noNumber) = try #require(row)
            #expect(readText == text)
            #expect(minimum == .min)
            #expect(maximum == .max)
            #expect(noText == nil)
            #expect(noNumber == nil)
        }
    }

    /// Statements run again with other binds (SQLite reuses its cached prepared statement).
    @Test(arguments: TestEngine.available)
    func aCachedStatementTakesNewBindsEachTime(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let users = UserRepository(database: db)
            let names = (0..<5).map { "user\($0)" }
            for name in names { try await users.create(makeUser(name)) }
            for name in names { #expect(try await users.find(username: name)?.username == name) }
        }
    }
}
