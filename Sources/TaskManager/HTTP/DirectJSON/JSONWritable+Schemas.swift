import TaskManagerAPI

// The generated schema types that `DirectJSONMiddleware` writes, keys in sorted order.
// `JSONWriterTests` compares every one with the generated `Codable` encoding and fails when a
// schema gains, loses or renames a property that these do not.

extension Components.Schemas.Task: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.raw("{")
        json.key("created_at", first: true)
        json.date(createdAt)
        json.key("created_by")
        createdBy.write(to: &json)
        json.key("description")
        json.string(description)
        json.key("done")
        json.bool(done)
        json.key("due_date")
        dueDate.write(to: &json)
        json.key("id")
        json.string(id)
        json.key("list_id")
        json.string(listId)
        json.key("priority")
        json.string(priority.rawValue)
        json.key("title")
        json.string(title)
        json.key("updated_at")
        json.date(updatedAt)
        json.raw("}")
    }
}

extension Components.Schemas.TaskPage: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.raw("{")
        json.key("items", first: true)
        json.array(items)
        json.key("next_cursor")
        nextCursor.write(to: &json)
        json.raw("}")
    }
}

extension Components.Schemas.User: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.raw("{")
        json.key("created_at", first: true)
        json.date(createdAt)
        json.key("email")
        email.write(to: &json)
        json.key("full_name")
        fullName.write(to: &json)
        json.key("id")
        json.string(id)
        json.key("is_active")
        json.bool(isActive)
        json.key("is_admin")
        json.bool(isAdmin)
        json.key("mfa_enabled")
        json.bool(mfaEnabled)
        json.key("username")
        json.string(username)
        json.raw("}")
    }
}

// The second case of these `oneOf [string, null]` schemas is `null` by the document (and the only
// value `Mapping.swift` gives it), though the generated type could hold any JSON there.
extension Components.Schemas.NullableString {
    func write(to json: inout JSONWriter) {
        switch self {
        case .case1(let value): json.string(value)
        case .case2: json.null()
        }
    }
}

extension Components.Schemas.NullableDate {
    func write(to json: inout JSONWriter) {
        switch self {
        case .case1(let value): json.string(value)
        case .case2: json.null()
        }
    }
}

extension Components.Schemas.Health: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.raw("{")
        json.key("status", first: true)
        json.string(status)
        json.raw("}")
    }
}
