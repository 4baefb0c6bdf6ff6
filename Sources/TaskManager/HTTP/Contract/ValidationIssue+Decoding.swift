/// 422 entries for what `JSONDecoder` and the generated decoders refuse, in FastAPI's words.
extension ValidationIssue {
    static func issues(from error: DecodingError, in location: String) -> [ValidationIssue] {
        switch error {
        case .keyNotFound(let key, let context):
            return [ValidationIssue(loc: path(location, context.codingPath + [key]), msg: "Field required", type: "missing")]
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let name = typeName(type)
            return [
                ValidationIssue(
                    loc: path(location, context.codingPath), msg: "Input should be a valid \(name)", type: "\(name)_type")
            ]
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return [ValidationIssue(loc: [.key(location)], msg: "Invalid JSON", type: "json_invalid")]
            }
            if context.debugDescription.hasPrefix("Additional properties are disabled") {
                return [
                    ValidationIssue(
                        loc: path(location, context.codingPath), msg: "Extra inputs are not permitted",
                        type: "extra_forbidden")
                ]
            }
            return [ValidationIssue(loc: path(location, context.codingPath), msg: "Invalid value", type: "value_error")]
        @unknown default:
            return [ValidationIssue(loc: [.key(location)], msg: "Invalid input", type: "value_error")]
        }
    }

    private static func path(_ location: String, _ codingPath: [any CodingKey]) -> [Location] {
        [.key(location)] + codingPath.map { key in key.intValue.map(Location.index) ?? .key(key.stringValue) }
    }

    private static func typeName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        switch name {
        case _ where name.hasPrefix("Array") || name.hasPrefix("["): return "list"
        case _ where name.hasPrefix("Dictionary") || name.contains(":"): return "dictionary"
        case _ where name.contains("Bool"): return "boolean"
        case _ where name.contains("Int"): return "integer"
        case _ where name.contains("Double") || name.contains("Float"): return "number"
        case _ where name.contains("String"): return "string"
        default: return "value"
        }
    }
}
