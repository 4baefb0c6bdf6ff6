import Foundation
import Testing

@testable import TaskManager

@Suite struct MetricsTests {
    /// `name{labels} value` lines of an exposition, by name and sorted labels.
    static func samples(_ exposition: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                Issue.record("unparsable line: \(line)")
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    @Test func countsExactlyTheRequestsByRouteAndStatusAndTheLogins() async throws {
        try await withTestApp { api in
            _ = try await api.send(.get, "/healthz")
            _ = try await api.send(.get, "/healthz")
            _ = try await api.send(.get, "/nowhere/at/all")
            _ = try await api.send(.get, "/also/unknown")
            try await api.register("alice")
            let token = try await api.login("alice")
            _ = try await api.loginReply("alice", password: "wrong password")
            _ = try await api.loginReply("nobody", password: "wrong password")
            _ = try await api.send(.get, "/me")
            _ = try await api.send(.get, "/tasks/\(UUID().uuidString)", token: token)
            _ = try await api.send(.get, "/tasks/\(UUID().uuidString)", token: token)

            let reply = try await api.send(.get, "/metrics")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type")?.hasPrefix("text/plain") == true)
            let samples = Self.samples(reply.body)
            let requests = "taskmanager_http_requests_total"
            #expect(samples[#"\#(requests){method="GET",route="/healthz",status="200"}"#] == 2)
            #expect(samples[#"\#(requests){method="GET",route="unmatched",status="404"}"#] == 2)
            #expect(samples[#"\#(requests){method="POST",route="/users",status="201"}"#] == 1)
            #expect(samples[#"\#(requests){method="POST",route="/token",status="200"}"#] == 1)
            #expect(samples[#"\#(requests){method="POST",route="/token",status="400"}"#] == 2)
            #expect(samples[#"\#(requests){method="GET",route="/me",status="401"}"#] == 1)
            #expect(samples[#"\#(requests){method="GET",route="/tasks/{id}",status="404"}"#] == 2)
            #expect(samples.keys.filter { $0.hasPrefix(requests) }.count == 7)  // nothing else, no raw paths
            #expect(samples[#"taskmanager_http_request_duration_seconds_count{route="/healthz"}"#] == 2)
            #expect(samples[#"taskmanager_logins_total{result="success"}"#] == 1)
            #expect(samples[#"taskmanager_logins_total{result="failure"}"#] == 2)
            #expect((samples["taskmanager_process_resident_memory_bytes"] ?? 0) > 1_000_000)
            // SQLite in memory: its one open connection; PostgreSQL: none in use between requests.
            #expect(samples["taskmanager_database_connections"] == (api.engine == .postgres ? 0 : 1))
            #expect(samples["taskmanager_http_requests_in_flight"] == 1)  // the scrape itself
        }
    }

    @Test func throttledLoginsAreCounted() async throws {
        try await withTestApp { api in
            for _ in 0..<6 { _ = try await api.loginReply("ghost", password: "wrong password") }
            let samples = Self.samples(try await api.send(.get, "/metrics").body)
            #expect(samples[#"taskmanager_logins_total{result="failure"}"#] == 5)
            #expect(samples[#"taskmanager_logins_total{result="throttled"}"#] == 1)
        }
    }

    @Test func requestIDsAreTakenWhenWellFormedAndMadeOtherwise() async throws {
        try await withTestApp { api in
            var reply = try await api.send(.get, "/healthz", headers: [.init("X-Request-ID")!: "trace-42.a_b"])
            #expect(reply.header("X-Request-ID") == "trace-42.a_b")
            reply = try await api.send(.get, "/healthz", headers: [.init("X-Request-ID")!: "bad id\u{7f}<script>"])
            #expect(reply.header("X-Request-ID").flatMap { UUID(uuidString: $0) } != nil)
            reply = try await api.send(.get, "/nope")
            #expect(reply.header("X-Request-ID").flatMap { UUID(uuidString: $0) } != nil)
        }
    }
}
