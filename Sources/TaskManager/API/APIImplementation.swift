import Foundation
import TaskManagerAPI

/// The handlers of the generated `APIProtocol`, one extension file per tag. They turn generated
/// types into plain values, call the services and repositories, and turn the results back.
/// Failures are thrown as `APIError`; `ErrorResponse` renders them.
struct APIImplementation: APIProtocol {
    let accounts: AccountService
    let clients: ClientService
    let login: LoginService
    let secondFactor: SecondFactorService
    let authorization: AuthorizationService
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
        let database = dependencies.database
        let users = UserRepository(database: database)
        let sessions = SessionRepository(database: database)
        let config = dependencies.configuration
        let login = LoginService(
            users: users, sessions: sessions, throttle: ThrottleRepository(database: database),
            policy: config.throttle, hasher: dependencies.hasher, tokens: dependencies.tokens,
            secondFactor: dependencies.secondFactor, sessionTTL: config.refreshTokenTTL, clock: dependencies.clock, metrics: dependencies.metrics)
        let clients = ClientRepository(database: database)
        let authenticator = ClientAuthenticator(clients: clients, publicURL: config.publicURL)
        self.init(
            accounts: AccountService(users: users, hasher: dependencies.hasher),
            clients: ClientService(clients: clients),
            login: login,
            secondFactor: dependencies.secondFactor,
            authorization: AuthorizationService(
                clients: authenticator, authorizations: AuthorizationRepository(database: database), login: login,
                issuer: config.publicURL, clock: dependencies.clock),
            sessions: sessions,
            tasks: TaskRepository(database: database),
            users: users,
            database: database,
            clock: dependencies.clock,
            metrics: dependencies.metrics,
            openRegistration: config.openRegistration)
    }
}
