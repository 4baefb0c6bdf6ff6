import Foundation
import TaskManagerAPI

/// The handlers of the generated `APIProtocol`, one extension file per tag. They turn generated
/// types into plain values, call the services and repositories, and turn the results back.
/// Failures are thrown as `APIError`; `ErrorResponse` renders them.
struct APIImplementation: APIProtocol {
    let accounts: AccountService
    let clients: ClientService
    let login: LoginService
    let sessions: SessionRepository
    let tasks: TaskRepository
    let users: UserRepository
    let database: Database
    let clock: AppClock
    let metrics: AppMetrics
    let openRegistration: Bool
}

extension APIImplementation {
    /// The handlers over the server's dependencies, as `buildRouter` serves them (and tests call them).
    init(_ dependencies: Dependencies) {
        let users = UserRepository(database: dependencies.database)
        let sessions = SessionRepository(database: dependencies.database)
        let config = dependencies.configuration
        self.init(
            accounts: AccountService(users: users, hasher: dependencies.hasher),
            clients: ClientService(clients: ClientRepository(database: dependencies.database)),
            login: LoginService(
                users: users, sessions: sessions, throttle: ThrottleRepository(database: dependencies.database),
                policy: config.throttle, hasher: dependencies.hasher, tokens: dependencies.tokens,
                sessionTTL: config.refreshTokenTTL, clock: dependencies.clock, metrics: dependencies.metrics),
            sessions: sessions,
            tasks: TaskRepository(database: dependencies.database),
            users: users,
            database: dependencies.database,
            clock: dependencies.clock,
            metrics: dependencies.metrics,
            openRegistration: config.openRegistration)
    }
}
