import Foundation
import Testing

/// A PostgreSQL server of a test's own, made with `initdb` in a temporary folder, that the test may
/// stop and start again (the shared server of `TASKMANAGER_TEST_POSTGRES_URL` must stay up for the
/// other tests). Run as the `postgres` user when the tests run as root, as PostgreSQL requires.
final class PostgresCluster: @unchecked Sendable {
    /// `TASKMANAGER_TEST_POSTGRES_BIN`, else the newest `/usr/lib/postgresql/*/bin` (Debian's layout).
    static let binDirectory: String? = {
        let found = searchBinDirectory()
        _ = RunSummary.note(
            "the PostgreSQL outage test (a server of its own, stopped and started)",
            missing: found == nil ? "no PostgreSQL server programs (apt-get install postgresql, or TASKMANAGER_TEST_POSTGRES_BIN)" : nil,
            requiredInCI: false)
        return found
    }()

    private static func searchBinDirectory() -> String? {
        if let configured = ProcessInfo.processInfo.environment["TASKMANAGER_TEST_POSTGRES_BIN"], !configured.isEmpty {
            return configured
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap { Int($0) }
        for version in versions.sorted().reversed() where FileManager.default.fileExists(atPath: "\(root)/\(version)/bin/pg_ctl") {
            return "\(root)/\(version)/bin"
        }
        return nil
    }

    let directory: URL
    let port: Int
    private let bin: String
    /// The running server, in the foreground of a child process: `pg_ctl start` would leave a daemon
    /// holding this process's descriptors, which `Process` watches to learn that a child ended.
    private var server: Process?
    private var dataDirectory: String { directory.appendingPathComponent("data").path }

    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable" }

    private init(directory: URL, port: Int, bin: String) {
        self.directory = directory
        self.port = port
        self.bin = bin
    }

    static func create() async throws -> PostgresCluster {
        let bin = try #require(binDirectory, "no PostgreSQL server programs (set TASKMANAGER_TEST_POSTGRES_BIN)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tm-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if getuid() == 0 { try check(await Binary.runLongTool("chown", ["postgres:", directory.path]), "chown") }
        let cluster = PostgresCluster(directory: directory, port: try await LiveServer.freePort(), bin: bin)
        try check(
            await Binary.runLongTool(cluster.command("initdb"), cluster.arguments("initdb", ["-D", cluster.dataDirectory, "-A", "trust", "-U", "postgres", "--no-sync"])),
            "initdb")
        try await cluster.start()
        return cluster
    }

    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command("postgres")] + arguments("postgres", [
            "-D", dataDirectory, "-p", String(port), "-k", directory.path,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
        ])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        server = process
        for _ in 0..<300 {
            if try await Binary.runLongTool("\(bin)/pg_isready", ["-q", "-h", "127.0.0.1", "-p", String(port)]).status == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("PostgreSQL did not start on port \(port)")
    }

    /// A fast shutdown: open connections are ended, as when an operator stops the server.
    func stop(mode: String = "fast") async throws {
        try await Binary.offCooperativeThreads { try self.stopNow(mode: mode) }
    }

    private func stopNow(mode: String) throws {
        try Self.check(Binary.runTool(command("pg_ctl"), arguments("pg_ctl", ["-D", dataDirectory, "-m", mode, "-w", "stop"])), "pg_ctl stop")
        server?.waitUntilExit()
        server = nil
    }

    deinit {
        if server != nil { try? stopNow(mode: "immediate") }
        try? FileManager.default.removeItem(at: directory)
    }

    /// As root, PostgreSQL's programs run as `postgres`.
    private func command(_ program: String) -> String { getuid() == 0 ? "runuser" : "\(bin)/\(program)" }
    private func arguments(_ program: String, _ arguments: [String]) -> [String] {
        getuid() == 0 ? ["-u", "postgres", "--", "\(bin)/\(program)"] + arguments : arguments
    }

    private static func check(_ result: Binary.Result, _ what: String) throws {
        try #require(result.status == 0, "\(what) failed: \(result.stderr)")
    }
}
