import Foundation
import Metrics
import Prometheus
import Synchronization

/// The service's metrics, recorded through swift-metrics into a Prometheus registry of this
/// application's own (no global bootstrap, so several applications in one test process stay apart).
final class AppMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    init() {
        let factory = PrometheusMetricsFactory(registry: registry)
        self.factory = factory
        bcryptCounters = Dictionary(uniqueKeysWithValues: BcryptOperation.allCases.map { operation in
            (operation, Metrics.Counter(label: "taskmanager_bcrypt_operations_total", dimensions: [("operation", operation.rawValue)], factory: factory))
        })
    }

    enum LoginResult: String, Sendable {
        case success, failure, throttled
    }

    private struct RequestKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    /// The handles of each label set, made once: making them looks them up in the registry by
    /// label and dimensions, which cost more than the increment.
    private let requestHandles = Mutex<[RequestKey: (count: Metrics.Counter, duration: Metrics.Timer)]>([:])

    /// `route` is the path template (`/tasks/{id}`), never the raw path, and a method outside the
    /// standard ones counts as `other`: the label set stays bounded.
    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let method = Self.standardMethods.contains(method) ? method : "other"
        let key = RequestKey(method: method, route: route, status: status)
        let handles =
            requestHandles.withLock { $0[key] }
            ?? {
                let made = (
                    count: Metrics.Counter(
                        label: "taskmanager_http_requests_total",
                        dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory),
                    duration: Metrics.Timer(
                        label: "taskmanager_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
                )
                requestHandles.withLock { $0[key] = made }
                return made
            }()
        handles.count.increment()
        handles.duration.record(duration: duration)
    }

    private static let standardMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]

    func recordLogin(_ result: LoginResult) {
        Counter(label: "taskmanager_logins_total", dimensions: [("result", result.rawValue)], factory: factory).increment()
    }

    enum BcryptOperation: String, Sendable, CaseIterable {
        case hash, verify
    }

    private let bcryptCounters: [BcryptOperation: Metrics.Counter]

    /// bcrypt work asked of the pool (logins, registrations, password changes), whether or not the
    /// queue then had room: what the throttling and the pool's capacity are there to bound.
    func recordBcrypt(_ operation: BcryptOperation) {
        bcryptCounters[operation]?.increment()
    }

    /// The exposition, with the process's resident memory, open database connections and requests
    /// being answered read now (this scrape among them).
    func exposition(databaseConnections: Int, requestsInFlight: Int) -> String {
        if let resident = Self.residentMemoryBytes() {
            Gauge(label: "taskmanager_process_resident_memory_bytes", factory: factory).record(resident)
        }
        Gauge(label: "taskmanager_database_connections", factory: factory).record(databaseConnections)
        Gauge(label: "taskmanager_http_requests_in_flight", factory: factory).record(requestsInFlight)
        return registry.emitToString()
    }

    /// From /proc/self/statm (Linux): resident pages × page size.
    static func residentMemoryBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
