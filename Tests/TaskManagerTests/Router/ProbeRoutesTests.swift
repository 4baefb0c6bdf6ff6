import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OpenAPIRuntime
import Testing

@testable import TaskManager

/// The health probes' routes of their own (`ProbeRoutes`), in front of the generated ones: the same
/// answers as the generated handlers', and the generated registration leaves those two out.
@Suite struct ProbeRoutesTests {
    @Test func answersAsTheGeneratedPathWould() async throws {
        try await withDependencies(testConfiguration()) { dependencies in
            let generated = DirectJSONMiddlewareTests.Transport()
            try APIImplementation(AppServices(dependencies)).registerHandlers(on: generated, configuration: .taskManager, middlewares: [])
            let app = Application(router: try buildRouter(dependencies))
            try await app.test(.router) { client in
                for path in ["/healthz", "/readyz"] {
                    let expected = try await generated.call(.get, path, path: path)
                    try await client.execute(uri: path, method: .get) { answer in
                        #expect(Int(answer.status.code) == expected.status, "\(path)")
                        #expect(answer.headers[.contentType] == expected.headers[.contentType], "\(path)")
                        #expect(String(buffer: answer.body) == expected.body, "\(path)")
                        // Through the chain every route crosses.
                        #expect(answer.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(path)")
                    }
                }
            }
        }
    }

    @Test func theGeneratedRegistrationLeavesThemOut() async throws {
        try await withDependencies(testConfiguration()) { dependencies in
            let router = try buildRouter(dependencies)
            let probes = router.routes.filter { ["/healthz", "/readyz"].contains($0.path.description) }
            // One route each: the generated registration would have added a second (Hummingbird refuses it).
            #expect(probes.map { "\($0.method.rawValue) \($0.path)" }.sorted() == ProbeRoutes.operations.sorted())
        }
    }

    /// A closed database: `/readyz` through its own route is the contract's 503.
    @Test func notReadyIsA503() async throws {
        let closed = try await withDependencies(testConfiguration()) { $0 }
        try await Application(router: try buildRouter(closed)).test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { answer in
                #expect(answer.status == .serviceUnavailable)
                #expect(String(buffer: answer.body).contains("detail"))
            }
            try await client.execute(uri: "/healthz", method: .get) { answer in #expect(answer.status == .ok) }
        }
    }
}
