import Foundation
import Logging
import MCP
import TaskManagerAPI

/// The MCP tools (API.md, "Agents"): each does what the HTTP operation of the same meaning does,
/// through the same service (`AppServices`), so the access decision, the words of a refusal and
/// the events are the operation's own. Arguments are named as the API's fields and query
/// parameters; a result is the API's JSON answer, as `structuredContent` and as JSON text.
struct MCPTools: Sendable {
    let services: AppServices
    let logger: Logger

    /// One tool: its MCP description and the scope its HTTP operation needs.
    struct Entry: Sendable {
        var tool: Tool
        var scope: Scope
    }

    /// The scope `name` needs; `nil` for no tool of that name.
    static func scope(of name: String) -> Scope? { catalog.first { $0.tool.name == name }?.scope }

    static let catalog: [Entry] = [
        Entry(
            tool: Tool(
                name: "list_lists", description: "Your lists, with your role in each: your default list first, then oldest first.",
                inputSchema: object(["limit": limit, "cursor": cursor]), annotations: .init(readOnlyHint: true)),
            scope: .tasksRead),
        Entry(
            tool: Tool(
                name: "list_tasks",
                description: "The tasks of every list you are a member of, newest first; `list_id` for one list, and filters.",
                inputSchema: object([
                    "list_id": string("Only this list's tasks."), "done": ["type": "boolean", "description": "Only done (or not done) tasks."],
                    "q": string("Only tasks whose title contains this text (any case)."), "priority": priority,
                    "due_before": date("Only tasks due before this date (YYYY-MM-DD)."), "limit": limit, "cursor": cursor,
                ]), annotations: .init(readOnlyHint: true)),
            scope: .tasksRead),
        Entry(
            tool: Tool(
                name: "get_task", description: "One task.", inputSchema: object(["task_id": taskID], required: ["task_id"]),
                annotations: .init(readOnlyHint: true)),
            scope: .tasksRead),
        Entry(
            tool: Tool(
                name: "create_task", description: "A new task, in your default list or in `list_id` (where you must be an editor).",
                inputSchema: object(
                    [
                        "title": string("1 to 200 characters."), "description": string("At most 2,000 characters."),
                        "done": ["type": "boolean"], "priority": priority, "due_date": date("YYYY-MM-DD."),
                        "list_id": string("The list to put it in (default: your default list)."),
                    ], required: ["title"])),
            scope: .tasksWrite),
        Entry(
            tool: Tool(
                name: "update_task", description: "Changes the fields given; `list_id` moves the task; `due_date` null clears it.",
                inputSchema: object(
                    [
                        "task_id": taskID, "title": string("1 to 200 characters."), "description": string("At most 2,000 characters."),
                        "done": ["type": "boolean"], "priority": priority,
                        "due_date": ["type": ["string", "null"], "format": "date", "description": "YYYY-MM-DD, or null to clear it."],
                        "list_id": string("Moves the task to this list (an editor of both)."),
                    ], required: ["task_id"]),
                annotations: .init(idempotentHint: true)),
            scope: .tasksWrite),
        Entry(
            tool: Tool(
                name: "complete_task", description: "Marks a task done (or, with `done` false, not done).",
                inputSchema: object(["task_id": taskID, "done": ["type": "boolean", "default": true]], required: ["task_id"]),
                annotations: .init(idempotentHint: true)),
            scope: .tasksWrite),
        Entry(
            tool: Tool(
                name: "delete_task", description: "Deletes a task for every member of its list.",
                inputSchema: object(["task_id": taskID], required: ["task_id"]), annotations: .init(destructiveHint: true)),
            scope: .tasksWrite),
        Entry(
            tool: Tool(
                name: "create_list", description: "A new list that you own.",
                inputSchema: object(["name": string("1 to 100 characters.")], required: ["name"])),
            scope: .tasksWrite),
        Entry(
            tool: Tool(
                name: "share_list",
                description: "Invites a user, by username, to a list you own, as a viewer or an editor; they accept in their own app.",
                inputSchema: object(
                    [
                        "list_id": string("The list."), "username": string("Who to invite."),
                        "role": ["type": "string", "enum": ["viewer", "editor"]],
                    ], required: ["list_id", "username", "role"])),
            scope: .listsShare),
    ]

    // MARK: Calls

    /// What `name` answers for `principal`: the API's JSON, or a refusal in the API's words
    /// (`isError`). The scope was checked before (`MCPEndpoint`).
    func call(_ name: String, arguments: [String: Value], principal: Principal) async -> CallTool.Result {
        do {
            let answer = try await answer(name, arguments: arguments, principal: principal)
            let data = try APIJSON.encoder.encode(answer)
            let structured: Value? = try JSONDecoder().decode(Value.self, from: data)
            return CallTool.Result(
                content: [.text(text: String(decoding: data, as: UTF8.self), annotations: nil, _meta: nil)],
                structuredContent: structured, isError: false)
        } catch {
            return refusal(error)
        }
    }

    /// `error` as a tool's refusal: the API's `detail` as text, its body as `structuredContent`.
    func refusal(_ error: any Error) -> CallTool.Result {
        let body = ErrorResponse.rendered(ErrorResponse.apiError(for: error, logger: logger)).body
        let detail = (try? JSONDecoder().decode(Refusal.self, from: body))?.detail
        let text = detail.map(\.text) ?? String(decoding: body, as: UTF8.self)
        let structured: Value? = try? JSONDecoder().decode(Value.self, from: body)
        return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], structuredContent: structured, isError: true)
    }

    private func answer(_ name: String, arguments: [String: Value], principal: Principal) async throws -> any Encodable {
        let caller = principal.user.id
        switch name {
        case "list_lists":
            let query: PageArguments = try decode(arguments)
            var issues: [ValidationIssue] = []
            let page = PageQuery(limit: query.limit, cursor: query.cursor, issues: &issues, defaultLimit: 50)
            guard issues.isEmpty else { throw APIError.validation(issues) }
            let found = try await services.lists.page(caller: caller, after: page.cursor, limit: page.limit)
            return Components.Schemas.ListPage(items: found.items.map(Components.Schemas.TaskList.init), nextCursor: .init(found.next?.encoded))
        case "list_tasks":
            let query: TaskQuery = try decode(arguments)
            var issues: [ValidationIssue] = []
            let page = PageQuery(limit: query.limit, cursor: query.cursor, issues: &issues)
            let filter = TaskFilter(
                done: query.done, q: query.q, priority: query.priority.map(Priority.init), dueBefore: query.dueBefore, issues: &issues)
            guard issues.isEmpty else { throw APIError.validation(issues) }
            let found = try await services.tasks.page(caller: caller, listID: query.listID, filter: filter, after: page.cursor, limit: page.limit)
            return Components.Schemas.TaskPage(items: found.items.map(Components.Schemas.Task.init), nextCursor: .init(found.next?.encoded))
        case "get_task":
            let target: TaskTarget = try decode(arguments)
            return Components.Schemas.Task(try await services.tasks.find(id: target.taskID, caller: caller))
        case "create_task":
            let body: TaskFields = try decode(arguments)
            guard let title = body.title else { throw APIError.invalid(["body", "title"], "Field required", type: "missing") }
            let draft = TaskService.Draft(
                title: title, description: body.description, done: body.done, priority: body.priority.map(Priority.init),
                dueDate: body.dueDate ?? nil, listID: body.listID)
            return Components.Schemas.Task(try await services.tasks.create(draft, by: principal))
        case "update_task":
            let target: TaskTarget = try decode(arguments)
            let body: TaskFields = try decode(arguments)
            let change = TaskChange(
                title: body.title, description: body.description, done: body.done, priority: body.priority.map(Priority.init),
                dueDate: body.dueDate, listID: body.listID)
            return Components.Schemas.Task(try await services.tasks.update(id: target.taskID, caller: caller, change))
        case "complete_task":
            let target: TaskTarget = try decode(arguments)
            let body: TaskFields = try decode(arguments)
            let change = TaskChange(title: nil, description: nil, done: body.done ?? true, priority: nil, dueDate: nil, listID: nil)
            return Components.Schemas.Task(try await services.tasks.update(id: target.taskID, caller: caller, change))
        case "delete_task":
            let target: TaskTarget = try decode(arguments)
            try await services.tasks.delete(id: target.taskID, caller: caller)
            // The API answers 204: the tool says what it did.
            return Deleted(taskID: target.taskID)
        case "create_list":
            let body: ListFields = try decode(arguments)
            guard let name = body.name else { throw APIError.invalid(["body", "name"], "Field required", type: "missing") }
            return Components.Schemas.TaskList(try await services.lists.create(name: name, owner: caller))
        case "share_list":
            let body: ShareFields = try decode(arguments)
            guard let listID = body.listID else { throw APIError.invalid(["body", "list_id"], "Field required", type: "missing") }
            guard let username = body.username else { throw APIError.invalid(["body", "username"], "Field required", type: "missing") }
            guard let role = body.role else { throw APIError.invalid(["body", "role"], "Field required", type: "missing") }
            let invitation = try await services.sharing.invite(listID: listID, username: username, role: ListRole(role), caller: caller)
            return Components.Schemas.Invitation(invitation)
        default:
            throw MCPToolError.unknown(name)
        }
    }

    /// The arguments as `T`: the same decoding errors (422's `detail`) as a body of the API.
    private func decode<T: Decodable>(_ arguments: [String: Value]) throws -> T {
        try JSONDecoder().decode(T.self, from: try JSONEncoder().encode(arguments))
    }

    // MARK: Schemas

    private static func object(_ properties: [String: Value], required: [String] = []) -> Value {
        var schema: [String: Value] = ["type": "object", "properties": .object(properties), "additionalProperties": false]
        if !required.isEmpty { schema["required"] = .array(required.map(Value.string)) }
        return .object(schema)
    }

    private static func string(_ description: String) -> Value { ["type": "string", "description": .string(description)] }
    private static func date(_ description: String) -> Value { ["type": "string", "format": "date", "description": .string(description)] }
    private static let taskID: Value = ["type": "string", "description": "The task's id."]
    private static let priority: Value = ["type": "string", "enum": ["low", "normal", "high"]]
    private static let limit: Value = ["type": "integer", "minimum": 1, "maximum": 100, "description": "Page size."]
    private static let cursor: Value = ["type": "string", "description": "The `next_cursor` of the previous page."]
}

/// A tool name that is not one of the catalog's: the JSON-RPC call's error, not a tool result.
enum MCPToolError: Error {
    case unknown(String)
}

// The arguments of each tool, named as the API names them.

private struct PageArguments: Decodable {
    var limit: Int?
    var cursor: String?
}

private struct TaskQuery: Decodable {
    var listID: String?
    var done: Bool?
    var q: String?
    var priority: Components.Schemas.Priority?
    var dueBefore: String?
    var limit: Int?
    var cursor: String?
    enum CodingKeys: String, CodingKey {
        case listID = "list_id", done, q, priority, dueBefore = "due_before", limit, cursor
    }
}

private struct TaskTarget: Decodable {
    var taskID: String
    enum CodingKeys: String, CodingKey { case taskID = "task_id" }
}

private struct TaskFields: Decodable {
    var title: String?
    var description: String?
    var done: Bool?
    var priority: Components.Schemas.Priority?
    /// Absent: unchanged; `null`: cleared.
    var dueDate: String??
    var listID: String?
    enum CodingKeys: String, CodingKey {
        case title, description, done, priority, dueDate = "due_date", listID = "list_id"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        done = try container.decodeIfPresent(Bool.self, forKey: .done)
        priority = try container.decodeIfPresent(Components.Schemas.Priority.self, forKey: .priority)
        dueDate = container.contains(.dueDate) ? .some(try container.decodeIfPresent(String.self, forKey: .dueDate)) : nil
        listID = try container.decodeIfPresent(String.self, forKey: .listID)
    }
}

private struct ListFields: Decodable {
    var name: String?
}

private struct ShareFields: Decodable {
    var listID: String?
    var username: String?
    var role: Components.Schemas.MemberRole?
    enum CodingKeys: String, CodingKey { case listID = "list_id", username, role }
}

private struct Deleted: Encodable {
    var taskID: String
    var deleted = true
    enum CodingKeys: String, CodingKey { case taskID = "task_id", deleted }
}

/// The `detail` of an error body: words, or a 422's list of issues (given as their JSON).
private struct Refusal: Decodable {
    enum Detail: Decodable {
        case words(String)
        case issues(Value)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let words = try? container.decode(String.self) { self = .words(words) } else { self = .issues(try container.decode(Value.self)) }
        }

        var text: String {
            switch self {
            case .words(let words): words
            case .issues(let value): (try? APIJSON.encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            }
        }
    }

    var detail: Detail
}
