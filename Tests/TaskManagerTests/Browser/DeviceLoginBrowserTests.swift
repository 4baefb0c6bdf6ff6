import Foundation
import Testing

/// `tm login` approved in headless Chromium, as a person would: the address `tm` printed opened,
/// the code confirmed, signed in, Allow; then `tm` is signed in. Screenshots of the three pages at
/// 360 pixels go beside the web app's.
@Suite struct DeviceLoginBrowserTests {
    @Test(.enabled(if: WebAppBrowserTests.missing == nil || RunSummary.inCI, "browser test skipped: \(WebAppBrowserTests.missing ?? "")"))
    func tmLoginApprovedInChromium() async throws {
        if let missing = WebAppBrowserTests.missing { Issue.record("the browser test cannot run in CI: \(missing)") }
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        _ = try await server.send(.POST, "/users", json: jsonBody(["username": "alice", "password": TmLiveTests.password]))
        let shots = WebAppBrowserTests.screenshots.appendingPathComponent("device")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let alice = TmLiveTests.Person(name: "alice", config: try TemporaryDirectory(), server: server)
        let result = try await alice.login { _, address in
            let script = packagePath("Tests/browser/device_login.py").path
            let approved = try await Binary.runLongTool("python3", [script, address, "alice", TmLiveTests.password, shots.path])
            #expect(approved.status == 0 && approved.stdout.contains("approved"), "\(approved.stdout)\n\(approved.stderr)")
        }
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("as alice"))
        #expect(try await alice.tm(["tasks", "list"]).status == 0)
        for name in ["device-code-360.png", "device-sign-in-360.png", "device-signed-in-360.png"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: shots.appendingPathComponent(name).path)[.size] as? Int) ?? 0
            #expect(size > 5_000, "screenshot \(name): \(size) bytes")
        }
    }
}
