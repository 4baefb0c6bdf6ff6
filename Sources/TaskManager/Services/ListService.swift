import Foundation

/// Lists, as every front door asks for them: a list's name and the default list's rules, with the
/// contract's words. Who may touch a list is `ListAccess`'s, inside the repository's statements.
struct ListService: Sendable {
    let lists: ListRepository
    let clock: AppClock

    func create(name: String, owner: String) async throws -> TaskList {
        try Self.check(name: name)
        return try await lists.create(name: name, ownerID: owner, at: clock.now())
    }

    func page(caller: String, after cursor: PageCursor?, limit: Int) async throws -> (items: [TaskList], next: PageCursor?) {
        try await lists.page(caller: caller, after: cursor, limit: limit)
    }

    func find(id: String, caller: String) async throws -> TaskList {
        try await lists.find(id: pathID(id), caller: caller)
    }

    /// The owner renames the list.
    func rename(id: String, to name: String, caller: String) async throws -> TaskList {
        try Self.check(name: name)
        return try await lists.rename(id: pathID(id), caller: caller, to: name, at: clock.now())
    }

    /// The owner deletes the list with its tasks; never a default list.
    func delete(id: String, caller: String) async throws {
        guard try await lists.delete(id: pathID(id), caller: caller, at: clock.now()) else {
            throw APIError.conflict("The default list cannot be deleted")
        }
    }

    private static func check(name: String) throws {
        var invalid = InvalidFields(problems: [])
        invalid.check(field: "name", name)
        try invalid.throwIfAny()
    }
}
