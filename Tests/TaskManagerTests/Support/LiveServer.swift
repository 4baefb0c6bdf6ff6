import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// The `taskmanager` binary that `swift test` built beside the test bundle.
enum Binary {
    static var url: URL {
        if let override = ProcessInfo.processInfo.environment["TASKMANAGER_BINARY"] { return URL(fileURLWithPath: override) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("taskmanager")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `tm`, the command-line client built beside it.
    static var tm: URL { url.deletingLastPathComponent().appendingPathComponent("tm") }

    /// Runs the binary (or `program`) to completion, waiting on a thread of its own.
    static func run(
        _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], in directory: URL? = nil, program: URL = url
    ) async throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.environment = testEnvironment(environment)
        if let directory { process.currentDirectoryURL = directory }
        return try await offCooperativeThreads { try complete(process, stdin: stdin) }
    }

    /// `runTool` on a thread of its own, for programs that run for a while (a browser, an OAuth
    /// client, `initdb`).
    static func runLongTool(_ name: String, _ arguments: [String]) async throws -> Result {
        try await offCooperativeThreads { try runTool(name, arguments) }
    }

    /// Runs `body`, which blocks, on a thread of its own. Swift runs every test's async code on as
    /// many cooperative threads as there are cores (two here): a test blocking one of them while a
    /// program runs or a server stops stalls every test beside it, and their timers with them.
    static func offCooperativeThreads<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Swift.Result { try body() }) }
        }
    }

    /// Runs another program found on the PATH, to completion, blocking the caller: only for quick
    /// checks outside async code (whether a tool is installed); else `runLongTool`.
    static func runTool(_ name: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        return try complete(process, stdin: nil)
    }

    private static func complete(_ process: Process, stdin: String?) throws -> Result {
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Standard error is read beside standard output, so a chatty one cannot fill its pipe and stall.
        final class Collected: @unchecked Sendable { var data = Data() }
        let stderr = Collected()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { stderr.data = err.fileHandleForReading.readDataToEndOfFile() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr.data, as: UTF8.self))
    }

    /// The tests' own settings win over anything `TASKMANAGER_*` in the caller's environment.
    static func testEnvironment(_ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TASKMANAGER_") }
        environment["TASKMANAGER_BCRYPT_COST"] = "4"
        environment["TASKMANAGER_LOG_LEVEL"] = "warning"
        environment["XDG_CACHE_HOME"] = NSTemporaryDirectory() + "tm-live-no-cache"  // not a developer's fetched docs assets
        environment.merge(extra) { $1 }
        return environment
    }
}

/// A folder that is removed when the test ends.
final class TemporaryDirectory: Sendable {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tm-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    var databaseURL: String { "sqlite://" + url.appendingPathComponent("live.sqlite").path }
}

/// The real server binary on a free loopback port, spoken to over HTTP.
final class LiveServer: @unchecked Sendable {
    let process: Process
    let port: Int
    let directory: TemporaryDirectory
    private let errors = Pipe()

    private init(process: Process, port: Int, directory: TemporaryDirectory) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    /// - Parameter directory: the folder of the database; a new one unless restarting on an old one.
    /// - Parameter logFile: where the server's standard error goes (else a pipe the tests can peek at).
    /// - Parameter databaseURL: another database than the folder's SQLite file (PostgreSQL).
    /// The flags that make processes on one database one issuer, as behind one address (the
    /// contract: processes that share a database are given the same `--public-url`; each one's
    /// default names its own port, and another issuer's tokens are refused).
    static let sharedPublicURL = ["--public-url", "http://taskmanager.test"]

    static func start(
        _ arguments: [String] = [], environment: [String: String] = [:], in directory: TemporaryDirectory? = nil,
        logFile: URL? = nil, databaseURL: String? = nil
    ) async throws -> LiveServer {
        let directory = try directory ?? TemporaryDirectory()
        // The free port is found, closed, then given to the server: another process starting at
        // the same moment can take it in between. Then the start is tried again on another port.
        for _ in 0..<2 {
            do {
                return try await startOnce(arguments, environment: environment, in: directory, logFile: logFile, databaseURL: databaseURL)
            } catch LiveServerError.didNotStart(let output) where output.contains("address is already in use") {
                continue
            }
        }
        return try await startOnce(arguments, environment: environment, in: directory, logFile: logFile, databaseURL: databaseURL)
    }

    private static func startOnce(
        _ arguments: [String], environment: [String: String], in directory: TemporaryDirectory, logFile: URL?, databaseURL: String?
    ) async throws -> LiveServer {
        let port = try await freePort()
        let process = Process()
        process.executableURL = Binary.url
        process.arguments = ["serve", "--port", String(port), "--database-url", databaseURL ?? directory.databaseURL] + arguments
        process.environment = Binary.testEnvironment(environment)
        process.currentDirectoryURL = directory.url
        let server = LiveServer(process: process, port: port, directory: directory)
        if let logFile {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: logFile)
        } else {
            process.standardError = server.errors
        }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 {
            if let reply = try? await server.send(.GET, "/healthz"), reply.status == 200 { return server }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        await server.stop()
        throw LiveServerError.didNotStart(server.errorOutput)
    }

    enum LiveServerError: Error { case didNotStart(String) }

    var errorOutput: String {
        String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
    }

    /// Redirects are answers to look at (the sign-in page's 303), not to follow.
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: String? = nil, form: String? = nil,
        body: ByteBuffer? = nil, headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        if let body { request.body = .bytes(body) }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let response: HTTPClientResponse
        do {
            response = try await Self.client.execute(request, timeout: .seconds(30))
        } catch ChannelError.ioOnClosedChannel {
            // The pool handed out a keep-alive connection whose close it had not yet seen, and
            // refused it before writing a byte: the request never left, so sending it again is
            // what any HTTP client does.
            response = try await Self.client.execute(request, timeout: .seconds(30))
        }
        var fields = HTTPFields()
        for header in response.headers { fields.append(HTTPField(name: .init(header.name)!, value: header.value)) }
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: fields, body: String(buffer: bytes))
    }

    /// Sends `signal` and waits (on a thread of its own) for the process to exit; returns its exit
    /// status, or -1 when it had to be killed after `timeout`.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(15)) async -> Int32 {
        (try? await Binary.offCooperativeThreads { self.waitForExit(signal: signal, timeout: timeout) }) ?? -1
    }

    /// For `defer`, which cannot wait: sends SIGTERM and leaves the waiting to a thread of its own.
    func stopInBackground() {
        Thread.detachNewThread { _ = self.waitForExit(signal: SIGTERM, timeout: .seconds(15)) }
    }

    private func waitForExit(signal: Int32, timeout: Duration) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -1
        }
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    /// Sends `request` (the whole HTTP/1.1 message) on a connection of its own and returns once
    /// every byte is written, with the status line of the answer to await: unlike a pooled client,
    /// this knows the request left before, say, a signal is sent.
    func sendRaw(_ request: String) async throws -> @Sendable () async throws -> String {
        let answer = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: String.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(AnswerCollector(answer)) }
                }
                .connect(host: "127.0.0.1", port: port).get()
        } catch {
            answer.fail(error)  // a promise left open stops a debug build
            throw error
        }
        do {
            try await channel.writeAndFlush(ByteBuffer(string: request)).get()
        } catch {
            try? await channel.close()  // the collector fails the promise as the channel goes
            throw error
        }
        return { String(try await answer.futureResult.get().prefix { $0 != "\r\n" }) }  // "\r\n" is one Character
    }

    /// Whether a TCP connection to the server's port is accepted now (no retries, unlike a client pool).
    func acceptsConnections() async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(2)).connect(host: "127.0.0.1", port: port).get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }

    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}

/// Collects what the server sends until it closes the connection.
private final class AnswerCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private let answer: EventLoopPromise<String>
    private var received = ""
    init(_ answer: EventLoopPromise<String>) { self.answer = answer }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += String(buffer: unwrapInboundIn(data))
        if received.contains("\r\n\r\n") { context.close(promise: nil) }
    }
    func channelInactive(context: ChannelHandlerContext) { answer.succeed(received) }
    /// What arrived so far is the answer (channelInactive completes the promise, once).
    func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }
}
