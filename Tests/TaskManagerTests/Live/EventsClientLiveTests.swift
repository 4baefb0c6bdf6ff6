import Foundation
import TaskManagerClient
import Testing

// README: events
/// Prints every change to the lists of whoever `server` is signed in as, until the task is cancelled.
func printChanges(server: TaskManagerConnection, after lastSeen: String? = nil) async throws {
    for try await element in server.events(after: lastSeen) {
        switch element {
        case .change(let event, _): print(event.id, event._type.rawValue, event.listId)
        case .reset: print("Some changes were missed: read your lists again")
        }
    }
}
// end of the README's events example

/// `TaskManagerConnection.events(after:)` and `tm watch` against the running binary, on a SQLite
/// file and on PostgreSQL: a change arrives on an open stream; a stream started after an id replays
/// what came since and goes on across the server closing it as the access token expires, each
/// event once; a token without `tasks:read` and a revoked session end the sequence with typed
/// errors; `tm watch` prints a change as the server's JSON and as a line for people, filters by
/// list name, and ends with status 0 on Ctrl-C.
@Suite(.serialized) struct EventsClientLiveTests {
    typealias Event = Components.Schemas.Event

    /// What a sequence of events yielded, gathered by a task of its own for the test to wait on.
    actor Collector {
        private(set) var elements: [LiveEvent] = []
        private(set) var error: (any Error)?
        private(set) var ended = false

        func add(_ element: LiveEvent) { elements.append(element) }

        func end(_ error: (any Error)?) {
            self.error = error
            ended = true
        }

        var changes: [Event] {
            elements.compactMap { element -> Event? in
                guard case .change(let event, _) = element else { return nil }
                return event
            }
        }

        /// The changes once there are `count` of them, or what there is when the sequence ended or
        /// `limit` passed.
        func waitForChanges(_ count: Int, within limit: Duration = .seconds(30)) async -> [Event] {
            let deadline = ContinuousClock.now + limit
            while changes.count < count, !ended, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(100))
            }
            return changes
        }

        /// Waits for the sequence to end (at most `limit`); whether it did.
        func waitForEnd(within limit: Duration = .seconds(30)) async -> Bool {
            let deadline = ContinuousClock.now + limit
            while !ended, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(100)) }
            return ended
        }
    }

    /// Iterates `events` in a task of its own (cancel it to stop), into a `Collector`.
    static func collect(_ events: AsyncThrowingStream<LiveEvent, any Error>) -> (Collector, Task<Void, Never>) {
        let collector = Collector()
        let task = Task {
            do {
                for try await element in events { await collector.add(element) }
                await collector.end(nil)
            } catch {
                await collector.end(error)
            }
        }
        return (collector, task)
    }

    /// The newest event id so far, from the paged JSON answer of `GET /events`.
    static func lastEventID(_ connection: TaskManagerConnection) async throws -> String {
        let page = try await connection.client.listEvents(query: .init(limit: 100), headers: .init(accept: [.init(contentType: .json)]))
            .ok.body.json
        return try #require(page.items.last?.id, "no events yet")
    }

    static func titles(_ events: [Event]) -> [String?] { events.map { $0.task?.value1?.title } }

    /// Ids as numbers, each larger than the one before: in order, none twice.
    static func ascending(_ ids: [String]) -> Bool {
        let numbers = ids.compactMap { Int($0) }
        return numbers.count == ids.count && zip(numbers, numbers.dropFirst()).allSatisfy { $0 < $1 }
    }

    @Test func aChangeArrivesOnAnOpenStream() async throws {
        try await TypedClientLiveTests.withServer { url in
            let (alice, _) = try await TypedClientLiveTests.account("alice", at: url)
            let (collector, watching) = Self.collect(alice.events())
            defer { watching.cancel() }
            // The stream opens while this runs, and starts with what happens from then on: a task
            // every half second until one is seen.
            var made: [String: String] = [:]
            while await collector.changes.isEmpty, !(await collector.ended), made.count < 40 {
                let title = "Milk \(made.count)"
                let task = try await alice.client.createTask(body: .json(.init(title: title))).created.body.json
                made[task.id] = title
                try await Task.sleep(for: .milliseconds(500))
            }
            let first = await collector.elements.first
            guard case .change(let event, let json)? = first else {
                let error = await collector.error
                Issue.record("no event: \(String(describing: first)), \(String(describing: error))")
                return
            }
            #expect(event._type.rawValue == "task.created")
            let task = try #require(event.task?.value1)
            #expect(made[task.id] == task.title)
            guard case .EventActor(let actor) = event.actor else {
                Issue.record("no actor: \(event.actor)")
                return
            }
            #expect(actor.username == "alice")
            // The JSON exactly as sent: one line, the same event.
            #expect(!json.contains("\n"))
            let raw = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(json)")
            #expect(raw["id"] as? String == event.id && raw["type"] as? String == "task.created")
            // Cancelling the task that iterates ends the sequence, without an error.
            watching.cancel()
            #expect(await collector.waitForEnd())
            let error = await collector.error
            let failure = error.map { String(describing: $0) }
            #expect(failure == nil)
        }
    }

    /// Started after an id: what came since first, in order; then, past the 5-second token's
    /// expiry (the server closes the stream, the client renews the token and reconnects with
    /// `Last-Event-ID`), what comes next — each event once.
    @Test func resumesAfterAnIDAndAcrossExpiryWithoutRepeats() async throws {
        try await TypedClientLiveTests.withServer(["--access-token-ttl", "5"]) { url in
            let (alice, _) = try await TypedClientLiveTests.account("alice", at: url)
            _ = try await alice.client.createTask(body: .json(.init(title: "Before"))).created
            let start = try await Self.lastEventID(alice)
            for title in ["One", "Two"] { _ = try await alice.client.createTask(body: .json(.init(title: title))).created }
            let (collector, watching) = Self.collect(alice.events(after: start))
            defer { watching.cancel() }
            let replayed = await collector.waitForChanges(2)
            #expect(Self.titles(replayed) == ["One", "Two"])
            try await Task.sleep(for: .seconds(7))
            _ = try await alice.client.createTask(body: .json(.init(title: "Three"))).created
            _ = await collector.waitForChanges(3)
            // A moment more, for a repeat that must not come.
            try await Task.sleep(for: .seconds(1))
            let all = await collector.changes
            let error = await collector.error
            let failure = error.map { String(describing: $0) }
            #expect(Self.titles(all) == ["One", "Two", "Three"], "\(failure ?? "")")
            #expect(Self.ascending(all.map(\.id)))
            #expect(!(await collector.ended))
            #expect(await alice.authentication.refreshCount >= 1)
        }
    }

    /// A token without `tasks:read`: 403, a typed error, and the sequence ends.
    @Test func aTokenWithoutTasksReadIsRefused() async throws {
        try await TypedClientLiveTests.withServer { url in
            let alice = TaskManagerConnection(serverURL: url, store: InMemoryRefreshTokenStore())
            _ = try await alice.client.createUser(body: .json(.init(username: "alice", password: TypedClientLiveTests.password))).created
            try await alice.signIn(username: "alice", password: TypedClientLiveTests.password, scope: "me")
            let (collector, watching) = Self.collect(alice.events())
            defer { watching.cancel() }
            #expect(await collector.waitForEnd())
            let error = await collector.error
            guard case .eventsRefused(let status, _)? = error as? TaskManagerClientError else {
                Issue.record("not refused: \(String(describing: error))")
                return
            }
            #expect(status == 403)
            #expect(await collector.elements.isEmpty)
        }
    }

    /// A session revoked while its stream is open: the server ends the stream, the refresh is
    /// refused, and the sequence ends with `signedOut`.
    @Test func aRevokedSessionEndsTheEventsSignedOut() async throws {
        try await TypedClientLiveTests.withServer { url in
            let (alice, store) = try await TypedClientLiveTests.account("alice", at: url)
            let (collector, watching) = Self.collect(alice.events())
            defer { watching.cancel() }
            try await Task.sleep(for: .seconds(1))
            let refreshToken = try #require(await store.load())
            _ = try await alice.client.revokeToken(body: .urlEncodedForm(.init(token: refreshToken))).ok
            #expect(await collector.waitForEnd(within: .seconds(60)))
            let error = await collector.error
            #expect(error as? TaskManagerClientError == .signedOut, "\(String(describing: error))")
        }
    }

    /// `tm watch` running, its standard output read as it comes.
    final class Watcher: @unchecked Sendable {
        let process = Process()
        let output = Pipe()
        let errors = Pipe()

        init(_ person: TmLiveTests.Person, _ arguments: [String]) throws {
            process.executableURL = Binary.tm
            process.arguments = ["watch"] + arguments
            process.environment = Binary.testEnvironment(["XDG_CONFIG_HOME": person.config.url.path])
            process.standardOutput = output
            process.standardError = errors
            try process.run()
        }

        /// The first `count` lines it prints; fewer when it ends first or `limit` passes (then it is stopped).
        func lines(_ count: Int, within limit: Duration = .seconds(30)) async throws -> [String] {
            let watchdog = Task { [self] in
                try await Task.sleep(for: limit)
                if process.isRunning { process.terminate() }
            }
            defer { watchdog.cancel() }
            return try await Binary.offCooperativeThreads { [self] in
                var text = ""
                while text.filter({ $0 == "\n" }).count < count {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                return Array(text.split(separator: "\n").prefix(count).map(String.init))
            }
        }

        /// Ctrl-C, then its exit status and what it wrote on standard error.
        func interrupt() async throws -> (status: Int32, stderr: String) {
            if process.isRunning { process.interrupt() }
            return try await Binary.offCooperativeThreads { [self] in
                process.waitUntilExit()
                let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                return (process.terminationReason == .exit ? process.terminationStatus : -process.terminationStatus, stderr)
            }
        }

        deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    }

    @Test(arguments: TestEngine.shared)
    func tmWatchPrintsChangesAsTheyCome(_ engine: TestEngine) async throws {
        try await engine.withEmptyDatabase { url in
            let server = try await LiveServer.start(databaseURL: SharingLiveTests.text(url))
            defer { server.stopInBackground() }
            _ = try await server.send(.POST, "/users", json: jsonBody(["username": "alice", "password": TmLiveTests.password]))
            let alice = TmLiveTests.Person(name: "alice", config: try TemporaryDirectory(), server: server)
            let login = try await alice.login()
            try #require(login.status == 0, "\(login)")
            // The same person through the typed client: the changes, and where the log stands.
            let serverURL = URL(string: "http://127.0.0.1:\(server.port)")!
            let typed = TaskManagerConnection(serverURL: serverURL, store: InMemoryRefreshTokenStore())
            try await typed.signIn(username: "alice", password: TmLiveTests.password)
            let groceries = try await typed.client.createList(body: .json(.init(name: "Groceries"))).created.body.json
            _ = try await typed.client.createTask(body: .json(.init(listId: groceries.id, title: "Before"))).created
            let start = try await Self.lastEventID(typed)
            // Both start after that id: each change is printed whether it comes before their
            // streams open or after.
            let json = try Watcher(alice, ["--json", "--after", start])
            // One credentials file: the second starts once the first has refreshed the token and
            // saved the new one (the same refresh token used twice ends the session, by design).
            try await Task.sleep(for: .seconds(2))
            let people = try Watcher(alice, ["groceries", "--after", start])
            let milk = try await typed.client.createTask(body: .json(.init(listId: groceries.id, title: "Milk"))).created.body.json
            _ = try await typed.client.createTask(body: .json(.init(title: "Elsewhere"))).created
            _ = try await typed.client.createTask(body: .json(.init(listId: groceries.id, title: "Bread"))).created

            let printed = try await json.lines(3)
            if printed.count < 3 {
                let end = try await json.interrupt()
                Issue.record("tm watch --json printed \(printed), then \(end)")
                return
            }
            let objects = try printed.map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            }
            #expect(objects.map { $0["type"] as? String } == ["task.created", "task.created", "task.created"])
            #expect((objects[0]["task"] as? [String: Any])?["id"] as? String == milk.id)
            #expect(objects.map { ($0["task"] as? [String: Any])?["title"] as? String } == ["Milk", "Elsewhere", "Bread"])
            #expect(Self.ascending(objects.compactMap { $0["id"] as? String }))

            // For people, and only the list named (its name, in any case): Milk, then Bread.
            let shown = try await people.lines(2)
            if shown.count < 2 {
                let end = try await people.interrupt()
                Issue.record("tm watch groceries printed \(shown), then \(end)")
                return
            }
            #expect(shown[0].contains("  alice  task.created  “Milk”  (Groceries)"), "\(shown[0])")
            #expect(shown[1].contains("“Bread”") && !shown.joined().contains("Elsewhere"), "\(shown)")
            #expect(shown[0].prefix(8).wholeMatch(of: /\d\d:\d\d:\d\d/) != nil, "\(shown[0])")

            // Ctrl-C ends a watch: status 0.
            for watcher in [json, people] {
                let end = try await watcher.interrupt()
                #expect(end.status == 0, "\(end)")
            }
        }
    }

    /// The README shows the events example as it is written (and compiled) here.
    @Test func theReadmeShowsTheEventsExample() throws {
        let source = try String(contentsOf: packagePath("Tests/TaskManagerTests/Live/EventsClientLiveTests.swift"), encoding: .utf8)
        let readme = try String(contentsOf: packagePath("README.md"), encoding: .utf8)
        let example = try #require(source.components(separatedBy: "// README: events\n").last?
            .components(separatedBy: "// end of the README's events example").first)
        #expect(readme.contains("```swift\nimport TaskManagerClient\n\n" + example + "```"))
    }
}
