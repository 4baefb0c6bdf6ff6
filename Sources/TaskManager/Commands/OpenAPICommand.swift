import ArgumentParser

struct OpenAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi", abstract: "Print the OpenAPI document the server is built from, as served at /openapi.json.")

    func run() {
        print(OpenAPIDocument.compiled.json)
    }
}
