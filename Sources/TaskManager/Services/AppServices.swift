/// Every service of the server, built once from its dependencies: the composition root's one
/// place. The HTTP handlers, the sign-in and device pages (and the MCP tools) take the
/// services they call from here; none builds a service or reaches into another's members.
///
/// A class: the generated server copies `APIImplementation` into every request's closures, and a
/// struct of a dozen services meant retaining and releasing each of their references per request
/// (a tenth of `/healthz`'s CPU in `perf`); one reference is one retain.
final class AppServices: Sendable {
    let accounts: AccountService
    let clients: ClientService
    let login: LoginService
    let grants: SessionGrantService
    let introspection: IntrospectionService
    let signIn: SignInService
    let logout: LogoutService
    let deviceApproval: DeviceApprovalService
    let devices: DeviceGrantService
    let secondFactor: SecondFactorService
    let sessions: SessionService
    let consents: ConsentService
    let tasks: TaskService
    let events: EventService
    let lists: ListService
    let sharing: SharingService
    let server: ServerInfoService

    init(_ dependencies: Dependencies) {
        let database = dependencies.database
        let settings = dependencies.settings
        let clock = dependencies.clock
        let users = UserRepository(database: database)
        let sessions = SessionRepository(database: database)
        let clients = ClientRepository(database: database)
        let authenticator = ClientAuthenticator(clients: clients, publicURL: settings.publicURL)
        let authorizations = AuthorizationRepository(database: database)
        let deviceGrants = DeviceGrantRepository(database: database)
        let lists = ListRepository(database: database)
        let secondFactor = dependencies.secondFactor
        let grants = SessionGrantService(
            sessions: sessions, authorizations: authorizations, clients: authenticator, tokens: dependencies.tokens,
            sessionTTL: settings.refreshTokenTTL, clock: clock)
        let login = LoginService(
            users: users, pendingLogins: SecondFactorRepository(database: database), throttle: ThrottleRepository(database: database),
            policy: settings.throttle, hasher: dependencies.hasher, secondFactor: secondFactor, grants: grants, clock: clock,
            metrics: dependencies.metrics)
        self.accounts = AccountService(
            users: users, hasher: dependencies.hasher, clock: clock, openRegistration: settings.openRegistration)
        self.clients = ClientService(clients: clients, clock: clock, openRegistration: settings.openClientRegistration)
        self.login = login
        self.grants = grants
        self.introspection = IntrospectionService(clients: authenticator, sessions: sessions, tokens: dependencies.tokens, clock: clock)
        let browserSessions = BrowserSessionService(
            sessions: BrowserSessionRepository(database: database), tokenSessions: sessions, idle: settings.browserSessionIdle,
            maximum: settings.browserSessionMax, clock: clock)
        let consents = ConsentRepository(database: database)
        let steps = SignInSteps(
            clients: authenticator, authorizations: authorizations, users: users, login: login, browserSessions: browserSessions, clock: clock)
        self.signIn = SignInService(
            steps: steps, clients: authenticator, authorizations: authorizations, browserSessions: browserSessions, consents: consents,
            issuer: settings.publicURL, clock: clock)
        self.logout = LogoutService(tokens: dependencies.tokens, clients: authenticator, browserSessions: browserSessions)
        self.deviceApproval = DeviceApprovalService(
            steps: steps, clients: authenticator, browserSessions: browserSessions, devices: deviceGrants, login: login, clock: clock)
        self.devices = DeviceGrantService(
            devices: deviceGrants, clients: authenticator, users: users, grants: grants, issuer: settings.publicURL, clock: clock)
        self.secondFactor = secondFactor
        self.sessions = SessionService(sessions: sessions, clients: authenticator, clock: clock)
        self.consents = ConsentService(consents: consents, clients: authenticator)
        self.tasks = TaskService(tasks: TaskRepository(database: database), clock: clock)
        self.events = EventService(log: EventLog(database: database), hub: dependencies.events)
        self.lists = ListService(lists: lists, clock: clock)
        self.sharing = SharingService(lists: lists, invitations: InvitationRepository(database: database), clock: clock)
        self.server = ServerInfoService(
            database: database, metrics: dependencies.metrics, requests: dependencies.requests, issuer: settings.publicURL,
            tokens: dependencies.tokens)
    }
}
