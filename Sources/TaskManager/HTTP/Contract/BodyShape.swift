import Foundation
import Yams

/// The shape the document gives a JSON request body — types, required and unknown properties,
/// enumerations, and the field rules of the bodies the services check — read once at start. The generated decoder stops at a body's first problem; on
/// that path only, `BodyIssuesMiddleware` asks this for all of them, as FastAPI reports them.
indirect enum BodyShape: Sendable {
    struct Property: Sendable {
        var name: String
        var shape: BodyShape
    }

    /// `ruled`: its string fields also answer to `FieldRules` (one of `FieldRules.checkedSchemas`).
    case object([Property], required: Set<String>, closed: Bool, ruled: Bool)
    case array(BodyShape)
    case string, boolean, integer, number, null
    case oneOf([String])
    case nullable(BodyShape)
    case anything

    /// `schema` with its `$ref`s resolved against `root`.
    init(_ schema: Node, in root: Node) {
        guard let (schema, name) = OpenAPIDocument.resolve(schema, in: root) else { self = .anything; return }
        if let values = schema["enum"]?.sequence {
            // `enum: [null]` says "null" in `oneOf: [X, null]` (the generator warns on `type: 'null'` there).
            self = values.allSatisfy { $0.null != nil } ? .null : .oneOf(values.compactMap(\.string))
        } else if let cases = schema["oneOf"]?.sequence {
            // The document's only use: `[X, null]`.
            let shapes = cases.map { BodyShape($0, in: root) }
            let others = shapes.filter { if case .null = $0 { false } else { true } }
            self = others.count == 1 && shapes.count == 2 ? .nullable(others[0]) : .anything
        } else if let types = schema["type"]?.sequence?.compactMap(\.string) {
            let shape = Self(type: types.first { $0 != "null" } ?? "null", schema, named: name, in: root)
            self = types.contains("null") && types.count > 1 ? .nullable(shape) : shape
        } else if let type = schema["type"]?.string {
            self = Self(type: type, schema, named: name, in: root)
        } else {
            self = .anything
        }
    }

    private init(type: String, _ schema: Node, named name: String?, in root: Node) {
        switch type {
        case "object":
            let properties = (schema["properties"]?.mapping ?? [:]).compactMap { key, value in
                key.string.map { Property(name: $0, shape: BodyShape(value, in: root)) }
            }
            let required = Set(schema["required"]?.sequence?.compactMap(\.string) ?? [])
            self = .object(
                properties, required: required, closed: schema["additionalProperties"]?.bool == false,
                ruled: name.map(FieldRules.checkedSchemas.contains) ?? false)
        case "array": self = .array(schema["items"].map { BodyShape($0, in: root) } ?? .anything)
        case "string": self = .string
        case "boolean": self = .boolean
        case "integer": self = .integer
        case "number": self = .number
        case "null": self = .null
        default: self = .anything
        }
    }

    /// Every problem of `value` against this shape, in the words `ValidationIssue.issues(from:)`
    /// uses for the decoder's one: properties in the document's order, then unknown ones sorted.
    func issues(of value: JSONValue, at location: [ValidationIssue.Location]) -> [ValidationIssue] {
        switch (self, value) {
        case (.anything, _), (.null, .null), (.string, .string), (.boolean, .bool), (.integer, .integer), (.number, .integer),
            (.number, .number), (.nullable, .null):
            return []
        case (.nullable(let shape), _):
            return shape.issues(of: value, at: location)
        case (.oneOf(let values), .string(let text)):
            // Pydantic's words, with the allowed values: "Input should be 'low', 'normal' or 'high'".
            let quoted = values.map { "'\($0)'" }
            let allowed = quoted.count > 1 ? quoted.dropLast().joined(separator: ", ") + " or " + quoted[quoted.count - 1] : quoted.joined()
            return values.contains(text) ? [] : [ValidationIssue(loc: location, msg: "Input should be \(allowed)", type: "enum")]
        case (.array(let element), .array(let items)):
            return items.enumerated().flatMap { index, item in element.issues(of: item, at: location + [.index(index)]) }
        case (.object(let properties, let required, let closed, let ruled), .object(let members)):
            var issues: [ValidationIssue] = []
            for property in properties {
                let place = location + [.key(property.name)]
                switch members[property.name] {
                case nil where required.contains(property.name):
                    issues.append(ValidationIssue(loc: place, msg: "Field required", type: "missing"))
                case nil:
                    break
                case .null? where !required.contains(property.name) && !property.shape.allowsNull:
                    // An optional property may be left out, not sent as null (see `ExplicitNulls`).
                    issues.append(ValidationIssue(loc: place, msg: "Input should not be null", type: "null_forbidden"))
                case let member?:
                    let found = property.shape.issues(of: member, at: place)
                    issues += found
                    if ruled, found.isEmpty, case .string(let text) = member, let problem = FieldRules.problem(ofField: property.name, text) {
                        issues.append(ValidationIssue(loc: place, msg: problem.message, type: problem.type))
                    }
                }
            }
            if closed {
                let known = Set(properties.map(\.name))
                for name in members.keys.sorted() where !known.contains(name) {
                    issues.append(ValidationIssue(loc: location + [.key(name)], msg: "Extra inputs are not permitted", type: "extra_forbidden"))
                }
            }
            return issues
        default:
            let name = typeName
            return [ValidationIssue(loc: location, msg: "Input should be a valid \(name)", type: "\(name)_type")]
        }
    }

    private var allowsNull: Bool {
        switch self {
        case .null, .nullable, .anything: true
        default: false
        }
    }

    private var typeName: String {
        switch self {
        case .object: "dictionary"
        case .array: "list"
        case .string, .oneOf: "string"
        case .boolean: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .null, .nullable, .anything: "value"
        }
    }
}

/// A JSON document as `JSONDecoder` reads it, strictly: `true` is no number and `1` no boolean.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
