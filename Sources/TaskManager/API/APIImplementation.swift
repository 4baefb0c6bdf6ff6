import Foundation
import TaskManagerAPI

/// The handlers of the generated `APIProtocol`, one extension file per tag. They turn generated
/// types into plain values, call the services (tasks, lists and sharing through their services
/// alone), and turn the results back.
/// Failures are thrown as `APIError`; `ErrorResponse` renders them.
struct APIImplementation: APIProtocol {
    let accounts: AccountService
    let clients: ClientService
    let login: LoginService
    let grants: SessionGrantService
    let signIn: SignInService
    let devices: DeviceGrantService
    let secondFactor: SecondFactorService
    let hasher: PasswordHasher
    let sessions: SessionRepository
    let tasks: TaskService
    let lists: ListService
    let sharing: SharingService
    let users: UserRepository
    let database: AppDatabase
    let clock: AppClock
    let metrics: AppMetrics
    let openRegistration: Bool
    /// The public URL: the OAuth issuer.
    let issuer: String
}

extension APIImplementation {
    /// The handlers over the server's dependencies, as `buildRouter` serves them (and tests call them).
    init(_ dependencies: Dependencies) {
        let database = dependencies.database
        let users = UserRepository(database: database)
        let sessions = SessionRepository(database: database)
        let settings = dependencies.settings
        let clients = ClientRepository(database: database)
        let authenticator = ClientAuthenticator(clients: clients, publicURL: settings.publicURL)
        let authorizations = AuthorizationRepository(database: database)
        let deviceGrants = DeviceGrantRepository(database: database)
        let lists = ListRepository(database: database)
        let grants = SessionGrantService(
            sessions: sessions, authorizations: authorizations, clients: authenticator, tokens: dependencies.tokens,
            sessionTTL: settings.refreshTokenTTL, clock: dependencies.clock)
        let login = LoginService(
            users: users, pendingLogins: SecondFactorRepository(database: database), throttle: ThrottleRepository(database: database),
            policy: settings.throttle, hasher: dependencies.hasher, secondFactor: dependencies.secondFactor, grants: grants,
            clock: dependencies.clock, metrics: dependencies.metrics)
        self.init(
            accounts: AccountService(users: users, hasher: dependencies.hasher),
            clients: ClientService(clients: clients),
            login: login,
            grants: grants,
            signIn: SignInService(
                clients: authenticator, authorizations: authorizations, devices: deviceGrants, users: users, login: login,
                issuer: settings.publicURL, clock: dependencies.clock),
            devices: DeviceGrantService(
                devices: deviceGrants, clients: authenticator, users: users, grants: grants, issuer: settings.publicURL,
                clock: dependencies.clock),
            secondFactor: dependencies.secondFactor,
            hasher: dependencies.hasher,
            sessions: sessions,
            tasks: TaskService(tasks: TaskRepository(database: database), clock: dependencies.clock),
            lists: ListService(lists: lists, clock: dependencies.clock),
            sharing: SharingService(lists: lists, invitations: InvitationRepository(database: database), clock: dependencies.clock),
            users: users,
            database: database,
            clock: dependencies.clock,
            metrics: dependencies.metrics,
            openRegistration: settings.openRegistration,
            issuer: settings.publicURL)
    }
}

/// A `null` for a field that cannot be null is a 422, not "absent" (see `ExplicitNulls`).
func rejectNulls(_ fields: [String]) throws {
    let nulls = fields.filter(ExplicitNulls.keys.contains)
    guard nulls.isEmpty else {
        throw APIError.validation(
            nulls.map { ValidationIssue(loc: ["body", .key($0)], msg: "Input should not be null", type: "null_forbidden") })
    }
}
