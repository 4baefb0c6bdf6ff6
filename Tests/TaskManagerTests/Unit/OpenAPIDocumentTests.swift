import Foundation
import Testing

@testable import TaskManager

/// The document is the contract's machine-readable form: complete for the docs and honest about
/// what the server answers.
@Suite struct OpenAPIDocumentTests {
    static var document: [String: Any] { try! JSONSerialization.jsonObject(with: Data(OpenAPIDocument.compiled.json.utf8)) as! [String: Any] }

    static var operations: [(String, String, [String: Any])] {
        let paths = document["paths"] as! [String: [String: Any]]
        return paths.flatMap { path, item in
            item.compactMap { method, value in
                (value as? [String: Any]).flatMap { $0["operationId"] != nil ? (method.uppercased(), path, $0) : nil }
            }
        }
    }

    /// The generator the build runs (built beside the binary) reads the document without a
    /// warning, for the server and for the client: a first build prints none.
    @Test(arguments: ["TaskManagerAPI", "TaskManagerClientAPI"])
    func theGeneratorReadsTheDocumentWithoutAWarning(_ target: String) async throws {
        let folder = Binary.url.deletingLastPathComponent()
        let generator = try #require(
            ["swift-openapi-generator-tool", "swift-openapi-generator"].map { folder.appendingPathComponent($0) }
                .first { FileManager.default.isExecutableFile(atPath: $0.path) },
            "no swift-openapi-generator in \(folder.path)")
        let output = try TemporaryDirectory()
        let result = try await Binary.run(
            [
                "generate", "--config", packagePath("Sources/\(target)/openapi-generator-config.yaml").path,
                "--output-directory", output.url.path, packagePath("Sources/\(target)/openapi.yaml").path,
            ], program: generator)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.lowercased().contains("warning"), "\(result.stderr)")
    }

    @Test func everyOperationIsDescribedTaggedAndSecured() {
        #expect(Self.operations.count == 64)
        for (method, path, operation) in Self.operations {
            let name = "\(method) \(path)"
            #expect((operation["summary"] as? String)?.isEmpty == false, "\(name) summary")
            #expect((operation["description"] as? String)?.isEmpty == false, "\(name) description")
            #expect((operation["tags"] as? [String])?.isEmpty == false, "\(name) tags")
            #expect(operation["security"] is [[String: Any]], "\(name) security")
        }
    }

    @Test func protectedOperationsDocumentTheirAuthErrors() {
        for (method, path, operation) in Self.operations {
            let responses = operation["responses"] as! [String: Any]
            let security = operation["security"] as! [[String: [String]]]
            if security.contains(where: { !$0.isEmpty }) {
                #expect(responses["401"] != nil, "\(method) \(path) 401")
                #expect(responses["403"] != nil, "\(method) \(path) 403")
            }
            let hasJSONBody = ((operation["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] != nil
            if hasJSONBody {
                // RFC 7591's registration and MCP's JSON-RPC answer a body they cannot take with
                // 400 (their own errors), not 422.
                let unreadable = ["/register", "/mcp"].contains(path) ? "400" : "422"
                for status in ["413", "415", unreadable] { #expect(responses[status] != nil, "\(method) \(path) \(status)") }
            }
            if path.contains("{id}") { #expect(responses["404"] != nil, "\(method) \(path) 404") }
        }
    }

    @Test func writableObjectsRefuseUnknownFields() {
        let schemas = (Self.document["components"] as! [String: Any])["schemas"] as! [String: [String: Any]]
        for name in [
            "UserCreate", "UserUpdate", "TaskCreate", "TaskUpdate", "ListCreate", "ListUpdate", "MemberUpdate", "OwnerTransfer",
            "InvitationCreate",
        ] {
            #expect(schemas[name]?["additionalProperties"] as? Bool == false, "\(name)")
        }
        let password = (schemas["UserCreate"]?["properties"] as? [String: [String: Any]])?["password"]
        #expect(password?["format"] as? String == "password")
    }

    @Test func theAuthenticatorReadsEachOperationsScopes() {
        let operations = OpenAPIDocument.compiled.operations
        #expect(operations["getMe"]?.requiredScopes == [.me])
        #expect(operations["listTasks"]?.requiredScopes == [.tasksRead])
        #expect(operations["createTask"]?.requiredScopes == [.tasksWrite])
        #expect(operations["deleteTask"]?.requiredScopes == [.tasksWrite])
        #expect(operations["createToken"]?.requiredScopes == nil)
        #expect(operations["createUser"]?.requiredScopes == nil)  // open unless configured otherwise
        #expect(operations["createUser"]?.optionalScopes == [.admin])
        #expect(operations["createToken"]?.optionalScopes == nil)
        #expect(operations["getHealth"]?.requiredScopes == nil)
    }

    @Test func refusesADocumentWithoutSecurityOrOperationIDs() {
        #expect(throws: OpenAPIDocument.Invalid.self) {
            try OpenAPIDocument(yaml: "paths:\n  /x:\n    get:\n      operationId: x\n      responses: {}\n")
        }
        #expect(throws: OpenAPIDocument.Invalid.self) {
            try OpenAPIDocument(yaml: "paths:\n  /x:\n    get:\n      security: [{}]\n")
        }
    }
}
