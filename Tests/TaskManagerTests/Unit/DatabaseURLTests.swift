import Testing

@testable import TaskManager

@Suite struct DatabaseURLTests {
    @Test func postgresURLsAreParsedWithTheirParts() throws {
        let url = try DatabaseURL.parse("postgresql://app%40corp:p%3Ass@db.internal:6543/tasks?sslmode=require")
        #expect(
            url
                == .postgres(
                    PostgresTarget(
                        host: "db.internal", port: 6543, username: "app@corp", password: "p:ss", database: "tasks",
                        tls: .require)))
        let short = try DatabaseURL.parse("postgres://app@localhost/tasks")
        #expect(short == .postgres(PostgresTarget(host: "localhost", username: "app", database: "tasks", tls: .prefer)))
        #expect(try DatabaseURL.parse("postgres://app@localhost?sslmode=verify-full") == .postgres(
            PostgresTarget(host: "localhost", username: "app", database: nil, tls: .verifyFull)))
    }

    @Test(arguments: [
        "postgres://localhost/tasks",  // no user
        "postgres:///tasks",  // no host
        "postgres://app:secret@localhost/tasks?sslmode=allow",
        "postgres://app:secret@localhost/tasks?connect_timeout=5",
        "postgres://app:secret@localhost:99999/tasks",
        "mysql://app:secret@localhost/tasks",
    ])
    func badURLsAreRefusedWithoutTheirPassword(_ text: String) {
        #expect {
            try DatabaseURL.parse(text)
        } throws: { error in
            !"\(error)".contains("secret")
        }
    }

    @Test func theTargetDescriptionHasNoPassword() throws {
        let target = try PostgresTarget.parse("postgres://app:hunter2@localhost:5433/tasks")
        #expect(target.description == "postgres://app@localhost:5433/tasks?sslmode=prefer")
    }
}
