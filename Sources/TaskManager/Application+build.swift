import Foundation
import Hummingbird
import Logging
import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle
import TaskManagerAPI

/// The request context: Hummingbird's core storage plus the TCP peer, for login throttling.
struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// What the server is made of. `make` builds it; the database and the bcrypt pool then run as
/// services of the application, and `prepare` (before the server listens) migrates the database
/// and loads the signing keys.
struct Dependencies: Sendable {
    let database: AppDatabase
    let hasher: PasswordHasher
    let tokens: TokenService
    let settings: ServerSettings
    /// `/docs` and `/redoc`, with their files read at start-up from `--docs-assets` or the default folder.
    let docs: DocsPages
    let clock: AppClock
    let metrics: AppMetrics
    /// Requests in flight and answered, for the shutdown's log lines.
    let requests: RequestTally
    /// This process's open event streams, woken by the commits of every process.
    let events: EventHub
    /// Trims the event log and the ended sessions.
    let retention: RetentionJob

    static func make(
        _ config: ServerSettings, clock: AppClock = .system, requests: RequestTally = RequestTally(), logger: Logger
    ) async throws -> Dependencies {
        let docs = try DocsPages.load(directory: config.docsAssets, defaultDirectory: config.docsAssetsDefault)
        let database = try AppDatabase(config.databaseURL, pool: config.connectionPool, logger: logger)
        let keys = SigningKeyRepository(database: database, box: SecretBox(key: config.secretsKey))
        // Stored keys are re-read (key rotation); a configured secret never changes.
        let tokens = await TokenService(
            configured: configuredKey(config), accessTokenTTL: config.accessTokenTTL, issuer: config.publicURL, clock: clock,
            reload: { @Sendable in try await keys.all() })
        let metrics = AppMetrics()
        let hasher = try await PasswordHasher.start(
            cost: config.bcryptCost, threads: config.bcryptThreads, nice: config.bcryptNice, queueLimit: config.loginQueueLimit, metrics: metrics)
        return Dependencies(
            database: database, hasher: hasher, tokens: tokens, settings: config, docs: docs, clock: clock, metrics: metrics,
            requests: requests, events: EventHub(database: database, clock: clock, logger: logger),
            retention: RetentionJob(database: database, clock: clock, logger: logger))
    }

    /// TOTP enrolment and checks, over the secrets sealed with `--secrets-key`.
    var secondFactor: SecondFactorService {
        SecondFactorService(
            repository: SecondFactorRepository(database: database), box: SecretBox(key: settings.secretsKey), clock: clock,
            hasher: hasher)
    }

    /// What runs beside the HTTP server, in start order (they stop in reverse, after it).
    var services: [any Service] { [database, hasher, events, retention] }

    /// With the database running: a wrong URL fails here in one line, then migrations, then the
    /// asymmetric signing key of `--signing-alg`, generated once and kept in the database so that
    /// restarts and other processes on the same database agree (it signs access tokens unless
    /// `TASKMANAGER_JWT_SECRET` is set); then the stored keys and TOTP secrets must open with
    /// `--secrets-key` (a wrong key stops the start here).
    func prepare() async throws {
        do {
            try await database.checkReachable()
            try await Migrations.run(on: database)
            let keys = SigningKeyRepository(database: database, box: SecretBox(key: settings.secretsKey))
            await tokens.install(try await keys.ensureSigning(settings.signingAlgorithm, now: clock.now()))
            try await secondFactor.checkStoredSecrets()
        } catch {
            throw StartFailure(reason: error)
        }
    }

    private static func configuredKey(_ config: ServerSettings) -> SigningKey? {
        guard let secret = config.jwtSecret else { return nil }
        let bytes = Array(secret.utf8)
        return SigningKey(kid: TokenService.kid(forSecret: bytes), material: .hmac(bytes))
    }
}

/// Why the server could not get ready: the command prints it as "cannot start".
struct StartFailure: Error, CustomStringConvertible {
    let reason: any Error
    var description: String { "\(reason)" }
}

/// The whole request path: the middleware chain, then the routes generated from the OpenAPI document.
func buildRouter(_ dependencies: Dependencies, logger: Logger = Logger(label: "taskmanager")) throws -> Router<AppRequestContext> {
    let document = OpenAPIDocument.compiled
    let routes = RegisteredRoutes()
    let router = Router(context: AppRequestContext.self)
    // Before every route, in the order a request meets them.
    router.addMiddleware {
        StreamHandlingMiddleware()
        RequestLogMiddleware(
            clientAddress: ClientAddressResolver(trustedProxies: dependencies.settings.trustedProxies),
            requests: dependencies.requests, logger: logger)
        RequestMetricsMiddleware(metrics: dependencies.metrics)
        CORSMiddleware(policy: CORSPolicy(origins: Set(dependencies.settings.corsOrigins)), routes: routes)
        ResponseHeadersMiddleware()
        ResourceMetadataChallengeMiddleware(publicURL: dependencies.settings.publicURL)
        ErrorMiddleware(routes: routes)
        BodyLimitMiddleware()
        IgnoreAcceptMiddleware()
    }
    router.get("/openapi.json") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: document.json)))
    }
    dependencies.docs.addRoutes(to: router)
    WebAppPages(publicURL: dependencies.settings.publicURL).addRoutes(to: router)
    let services = AppServices(dependencies)
    let signInPages = AuthorizePages(
        service: services.signIn, secureCookie: dependencies.settings.publicURL.hasPrefix("https://"),
        sessionCookieLifetime: dependencies.settings.browserSessionMax)
    signInPages.addRoutes(to: router)
    DevicePages(approval: services.deviceApproval, pages: signInPages).addRoutes(to: router)
    LogoutPages(service: services.logout, pages: signInPages).addRoutes(to: router)
    ProbeRoutes(server: services.server).addRoutes(to: router)
    let api = APIImplementation(services)
    let authenticator = BearerAuthenticator(
        operations: document.operations, tokens: dependencies.tokens,
        sessions: SessionRepository(database: dependencies.database), clock: dependencies.clock)
    var mcpAuthenticator = authenticator
    mcpAuthenticator.resource = .mcp
    MCPRoutes(
        endpoint: MCPEndpoint(tools: MCPTools(services: services, logger: logger), version: "4", logger: logger),
        authenticator: mcpAuthenticator
    ).addRoutes(to: router)
    try api.registerHandlers(
        on: GeneratedRoutes(router: router, servedAhead: ProbeRoutes.operations),
        configuration: .taskManager,
        middlewares: [
            authenticator, TokenFormMiddleware(), ExplicitNulls.Middleware(operations: document.operations),
            // RFC 7591 answers a registration it cannot read with its own 400, not the API's 422.
            BodyIssuesMiddleware(shapes: document.operations.compactMapValues(\.bodyShape).filter { $0.key != Operations.RegisterClient.id }),
            DirectJSONMiddleware(),
        ])
    routes.set(from: router)
    return router
}

extension OpenAPIRuntime.Configuration {
    /// How the generated code writes JSON. Keys sorted: unsorted, `JSONEncoder` writes them in hash
    /// order, which differs from process to process; sorted, every answer has one order, the same as
    /// `JSONWriter` writes for the hot ones. Dates by integer arithmetic, `/` unescaped; the date
    /// the same as `JSONWriter` writes them.
    static let taskManager = OpenAPIRuntime.Configuration(
        dateTranscoder: MillisecondDateTranscoder(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])
}

func buildApplication(
    _ config: ServerSettings, clock: AppClock = .system, requests: RequestTally = RequestTally()
) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "taskmanager")
    logger.logLevel = config.logLevel
    let dependencies = try await Dependencies.make(config, clock: clock, requests: requests, logger: logger)
    let router: Router<AppRequestContext>
    do {
        router = try buildRouter(dependencies, logger: logger)
    } catch {
        await dependencies.hasher.shutdown()
        throw error
    }
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: nil),
        services: dependencies.services,
        logger: logger)
    app.beforeServerStarts { [logger] in
        try await dependencies.prepare()
        // Once ready: a start that fails says only why.
        logger.info("/docs and /redoc load Swagger UI and ReDoc from \(dependencies.docs.source)")
    }
    return app
}
