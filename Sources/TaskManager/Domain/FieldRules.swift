import Foundation

/// The contract's rules for field values: each returns why a value is refused, or `nil`.
/// Lengths count Unicode code points, as JSON Schema's `maxLength` (and Python's `len`) do, so
/// that the document's limits are exactly the server's.
enum FieldRules {
    static func username(_ value: String) -> String? {
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard allowed, (3...64).contains(value.utf8.count) else {
            return "Username must be 3 to 64 ASCII letters, digits, '.', '_' or '-'"
        }
        return nil
    }

    /// The document's pattern `^[^@\s]+@[^@\s]+\.[^@\s]+$`: one `@`, no white space, and a dot
    /// inside the domain.
    static func email(_ value: String) -> String? {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        let wellFormed =
            value.unicodeScalars.count <= 254 && parts.count == 2 && !parts[0].isEmpty
            && !value.unicodeScalars.contains(where: \.properties.isWhitespace)
            && parts[1].dropFirst().dropLast().contains(".")
        return wellFormed && !hasNUL(value) ? nil : "Value is not a valid email address"
    }

    static func fullName(_ value: String) -> String? {
        if hasNUL(value) { return nulRefused }
        return value.unicodeScalars.count <= 200 ? nil : "String should have at most 200 characters"
    }

    static func title(_ value: String) -> String? {
        if hasNUL(value) { return nulRefused }
        if value.isEmpty { return "String should have at least 1 character" }
        if value.unicodeScalars.count > 200 { return "String should have at most 200 characters" }
        if value.unicodeScalars.allSatisfy(\.properties.isWhitespace) { return "Title must not be blank" }
        return nil
    }

    static func description(_ value: String) -> String? {
        if hasNUL(value) { return nulRefused }
        return value.unicodeScalars.count <= 10_000 ? nil : "String should have at most 10000 characters"
    }

    /// A list's name: 1 to 100 characters, not blank, no control characters.
    static func listName(_ value: String) -> String? {
        if hasNUL(value) { return nulRefused }
        if value.isEmpty { return "String should have at least 1 character" }
        if value.unicodeScalars.count > 100 { return "String should have at most 100 characters" }
        if value.unicodeScalars.allSatisfy(\.properties.isWhitespace) { return "Name must not be blank" }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "Name must not contain control characters"
        }
        return nil
    }

    /// The rule of a body's field by its name in the contract, with the issue type its 422 gives:
    /// the services check a decoded body with it, and `BodyShape` a body the decoder refused, so
    /// both name every problem in the same words. Fields of `checkedSchemas` only.
    static func problem(ofField field: String, _ value: String) -> InvalidFields.Problem? {
        let (message, type): (String?, String) =
            switch field {
            case "title": (title(value), "value_error")
            case "description": (description(value), textIssueType(value))
            case "due_date": (date(value), "date_from_datetime_parsing")
            case "name": (listName(value), textIssueType(value))
            case "username": (username(value), "value_error")
            case "email": (email(value), "value_error")
            case "full_name": (fullName(value), "value_error")
            default: (nil, "value_error")
            }
        return message.map { InvalidFields.Problem(field: field, message: $0, type: type) }
    }

    /// The document's request bodies whose fields `problem(ofField:_:)` rules (an invitation's
    /// `username` names an account, whatever its form: an unknown one is 404, not 422).
    static let checkedSchemas: Set<String> = ["UserCreate", "UserUpdate", "TaskCreate", "TaskUpdate", "ListCreate", "ListUpdate"]

    /// Text searched for (`q` of `GET /tasks`).
    static func searchText(_ value: String) -> String? {
        if hasNUL(value) { return nulRefused }
        return value.unicodeScalars.count <= 200 ? nil : "String should have at most 200 characters"
    }

    /// PostgreSQL's text cannot hold U+0000, so no text the server keeps or searches may: refused on
    /// both engines alike rather than stored by one and a database error on the other.
    static func hasNUL(_ value: String) -> Bool {
        value.utf8.contains(0)
    }

    /// The issue type of a problem with free text: a NUL is a value error, anything else its length.
    static func textIssueType(_ value: String) -> String {
        hasNUL(value) ? "value_error" : "string_too_long"
    }

    static let nulRefused = "String should not contain the NUL character (U+0000)"

    /// A real calendar date written `YYYY-MM-DD`.
    static func date(_ value: String) -> String? {
        let digits = value.utf8.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 ? byte == UInt8(ascii: "-") : (byte >= 0x30 && byte <= 0x39)
        }
        guard value.utf8.count == 10, digits, let year = Int(value.prefix(4)),
            let month = Int(value.dropFirst(5).prefix(2)), let day = Int(value.suffix(2)),
            year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return "Input should be a valid date in the format YYYY-MM-DD" }
        return nil
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// The fields of one request that break the rules, all of them at once, by their names in the
/// contract (`full_name`). Thrown by the services; the error mapper places them (`body.full_name`),
/// and a command prints them.
struct InvalidFields: Error, Equatable, Sendable {
    struct Problem: Equatable, Sendable {
        var field: String
        var message: String
        /// The kind, in FastAPI's words (`value_error`, `date_from_datetime_parsing`, …).
        var type = "value_error"
    }

    var problems: [Problem]

    /// Collects `field`'s problem, if it has one; throw with `throwIfAny()` after the last.
    mutating func check(_ field: String, _ problem: String?, type: String = "value_error") {
        if let problem { problems.append(Problem(field: field, message: problem, type: type)) }
    }

    /// Collects the problem of `field`, sent as `value`, by its rule (`FieldRules.problem`).
    mutating func check(field: String, _ value: String?) {
        if let value, let problem = FieldRules.problem(ofField: field, value) { problems.append(problem) }
    }

    func throwIfAny() throws {
        if !problems.isEmpty { throw self }
    }

    static func single(_ field: String, _ message: String) -> InvalidFields {
        InvalidFields(problems: [Problem(field: field, message: message)])
    }
}
