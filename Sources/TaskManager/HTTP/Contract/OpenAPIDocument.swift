import Foundation
import TaskManagerAPI
import Yams

/// The OpenAPI document compiled into the server — the same file the routes are generated from —
/// and what the server reads from it at start: the JSON it serves, each operation's scopes (the
/// generator ignores `security`, so authentication is driven from here) and each path's methods.
struct OpenAPIDocument: Sendable {
    struct Operation: Sendable {
        var method: String
        var path: String
        /// `nil` for a public operation; else every scope the token must carry.
        var requiredScopes: [Scope]?
        /// For an operation that may also go without a token (`[{}, {scheme: [scopes]}]`): the scopes
        /// its handler may ask for. `nil` otherwise.
        var optionalScopes: [Scope]? = nil
        var hasJSONBody: Bool
        /// The shape of its JSON request body, when it takes one.
        var bodyShape: BodyShape? = nil
        /// The query parameters whose values must parse as something other than text.
        var typedQueryParameters: [String: QueryType] = [:]

        /// The first query item whose value is not of its declared type: where a 422 points.
        func invalidQueryItem(in query: Substring) -> String? {
            for item in query.split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(pair[0]).removingPercentEncoding ?? String(pair[0])
                guard let type = typedQueryParameters[name] else { continue }
                let value = pair.count > 1 ? (String(pair[1]).removingPercentEncoding ?? "") : ""
                if !type.accepts(value) { return name }
            }
            return nil
        }
    }

    enum QueryType: Sendable, Equatable {
        case boolean
        case integer
        case oneOf([String])

        func accepts(_ value: String) -> Bool {
            switch self {
            case .boolean: value == "true" || value == "false"
            case .integer: Int(value) != nil
            case .oneOf(let values): values.contains(value)
            }
        }
    }

    /// The document as JSON, keys in the document's own order: `/openapi.json` and `taskmanager openapi`.
    let json: String
    let operations: [String: Operation]

    static let compiled: OpenAPIDocument = {
        do {
            return try OpenAPIDocument(yaml: String(decoding: openAPIDocumentBytes, as: UTF8.self))
        } catch {
            fatalError("the compiled OpenAPI document does not load: \(error)")  // caught by the test suite
        }
    }()

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(yaml: String) throws {
        guard let root = try Yams.compose(yaml: yaml) else { throw Invalid(description: "empty document") }
        var json = ""
        Self.writeJSON(root, to: &json)
        self.json = json
        self.operations = try Self.readOperations(root)
    }

    /// `schema` with its `$ref`s followed to what they name in `root` (`#/components/schemas/Name`),
    /// and the last name followed; `nil` when a reference names nothing. The one resolver of the
    /// document's references: the query's types and the bodies' shapes both read through it.
    static func resolve(_ schema: Node, in root: Node) -> (Node, name: String?)? {
        var (schema, name) = (schema, String?.none)
        for _ in 0..<8 {
            guard let reference = schema["$ref"]?.string else { break }
            let path = reference.dropFirst(2).split(separator: "/").map(String.init)
            guard let target = path.reduce(Optional(root), { $0?[$1] }) else { return nil }
            (schema, name) = (target, path.last)
        }
        return (schema, name)
    }

    private static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    private static func readOperations(_ root: Node) throws -> [String: Operation] {
        guard let paths = root["paths"]?.mapping else { throw Invalid(description: "no paths") }
        var operations: [String: Operation] = [:]
        for (pathNode, item) in paths {
            guard let path = pathNode.string, let item = item.mapping else { continue }
            for (methodNode, operation) in item {
                guard let method = methodNode.string, methods.contains(method) else { continue }
                guard let id = operation["operationId"]?.string else {
                    throw Invalid(description: "\(method.uppercased()) \(path) has no operationId")
                }
                let security = try scopes(of: operation, id: id)
                operations[id] = Operation(
                    method: method.uppercased(), path: path,
                    requiredScopes: security.required, optionalScopes: security.optional,
                    hasJSONBody: operation["requestBody"]?["content"]?["application/json"] != nil,
                    bodyShape: operation["requestBody"]?["content"]?["application/json"]?["schema"].map { BodyShape($0, in: root) },
                    typedQueryParameters: queryTypes(of: operation, in: root))
            }
        }
        return operations
    }

    private static func queryTypes(of operation: Node, in root: Node) -> [String: QueryType] {
        var types: [String: QueryType] = [:]
        for parameter in operation["parameters"]?.sequence ?? [] where parameter["in"]?.string == "query" {
            guard let name = parameter["name"]?.string, let given = parameter["schema"],
                let (schema, _) = resolve(given, in: root)
            else { continue }
            if let values = schema["enum"]?.sequence {
                types[name] = .oneOf(values.compactMap(\.string))
            } else if schema["type"]?.string == "boolean" {
                types[name] = .boolean
            } else if schema["type"]?.string == "integer" {
                types[name] = .integer
            }
        }
        return types
    }

    /// Each operation states its security: `[{}]` for public, a requirement for a token with those
    /// scopes, or both (`[{}, {scheme: [scopes]}]`) for a token that may be left out. The token is
    /// the same whichever scheme obtained it (the OAuth2 flows or OpenID Connect): every scheme of an
    /// operation names the same scopes.
    private static func scopes(of operation: Node, id: String) throws -> (required: [Scope]?, optional: [Scope]?) {
        guard let requirements = operation["security"]?.sequence else {
            throw Invalid(description: "\(id) states no security requirement")
        }
        var allowsNone = false
        var named: [Scope]? = nil
        for requirement in requirements {
            guard let schemes = requirement.mapping else { continue }
            if schemes.isEmpty { allowsNone = true }  // an empty requirement: no token needed
            for (_, list) in schemes {
                var scopes: [Scope] = []
                for name in list.sequence ?? [] {
                    guard let text = name.string, let scope = Scope(rawValue: text) else {
                        throw Invalid(description: "\(id) names an unknown scope")
                    }
                    scopes.append(scope)
                }
                guard named == nil || named == scopes else {
                    throw Invalid(description: "\(id)'s security schemes name different scopes")
                }
                named = scopes
            }
        }
        return allowsNone ? (nil, named) : (named ?? [], nil)
    }

    private static func writeJSON(_ node: Node, to out: inout String) {
        switch node {
        case .scalar(let scalar):
            switch node.tag.description {
            case Tag.Name.null.rawValue: out += "null"
            case Tag.Name.bool.rawValue: out += (node.bool ?? false) ? "true" : "false"
            case Tag.Name.int.rawValue: out += node.int.map(String.init) ?? quoted(scalar.string)
            case Tag.Name.float.rawValue: out += node.float.map { String($0) } ?? quoted(scalar.string)
            default: out += quoted(scalar.string)
            }
        case .mapping(let mapping):
            out += "{"
            for (index, (key, value)) in mapping.enumerated() {
                if index > 0 { out += "," }
                out += quoted(key.string ?? "")
                out += ":"
                writeJSON(value, to: &out)
            }
            out += "}"
        case .sequence(let sequence):
            out += "["
            for (index, value) in sequence.enumerated() {
                if index > 0 { out += "," }
                writeJSON(value, to: &out)
            }
            out += "]"
        }
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
