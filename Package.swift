// swift-tools-version:6.1
import PackageDescription

/// The generated targets' settings. Every generated file imports what any of them needs, and Swift
/// 6.3 warns for each access-level import a file leaves unused (~340 lines of a first build), with no
/// way to silence that one diagnostic before 6.4's `@diagnose`, which the generator already emits.
/// Unsafe flags are allowed to a root package and to one depended on by branch or revision.
let generatedCodeSettings: [SwiftSetting] = [.unsafeFlags(["-suppress-warnings"])]

let package = Package(
    name: "taskmanager",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "taskmanager", targets: ["TaskManager"]),
        // A typed Swift client generated from the same document; nothing of the server's code.
        .library(name: "TaskManagerClient", targets: ["TaskManagerClient"]),
        // The command-line client: TaskManagerClient and swift-argument-parser, nothing else.
        .executable(name: "tm", targets: ["tm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        // SQLite through Debian's libsqlite3 (libsqlite3-dev), with cached prepared statements.
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // Already in the graph through postgres-nio; named to set certificate checking for `sslmode`.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The server-rendered sign-in page of /authorize, HTML-escaped by the template engine.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // The client's transport (TaskManagerClient), and the live tests' HTTP client.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
        // The Model Context Protocol at /mcp (its JSON-RPC, tools and HTTP server transport).
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", exact: "0.12.1"),
    ],
    targets: [
        // The OpenAPI document and the code generated from it: the source of truth for every route.
        .target(
            name: "TaskManagerAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")
            ],
            resources: [.embedInCode("openapi.yaml")],
            swiftSettings: generatedCodeSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .executableTarget(
            name: "TaskManager",
            dependencies: [
                "TaskManagerAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                // RSA key generation for RS256 (`_RSA.Signing.PrivateKey`): JWTKit has none of its own.
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MCP", package: "swift-sdk"),
            ],
            resources: [
                .embedInCode("Pages/sign-in.mustache"), .embedInCode("Pages/sign-in.css"),
                // The web app at /app: our own page, style and ES modules, no build step.
                .embedInCode("WebApp/index.mustache"), .embedInCode("WebApp/app.css"), .embedInCode("WebApp/app.js"),
                .embedInCode("WebApp/api.js"), .embedInCode("WebApp/auth.js"), .embedInCode("WebApp/dom.js"),
                .embedInCode("WebApp/tasks.js"), .embedInCode("WebApp/account.js"), .embedInCode("WebApp/qr.js"),
                .embedInCode("WebApp/lists.js"),
                .embedInCode("WebApp/sharing.js"),
                .embedInCode("WebApp/live.js"),
                .embedInCode("WebApp/sse.js"),
                .embedInCode("WebApp/activity.js"),
                .embedInCode("WebApp/task-item.js"),
                .embedInCode("WebApp/task-forms.js"),
                .embedInCode("WebApp/icon.svg"),
            ]
        ),
        // The same openapi.yaml (a link), generated in client mode, and two accessors over its
        // nullable types (the module needs a source file of its own).
        .target(
            name: "TaskManagerClientAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            swiftSettings: generatedCodeSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The generated client re-exported, with the bearer-token middleware and the connection.
        .target(
            name: "TaskManagerClient",
            dependencies: [
                "TaskManagerClientAPI",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "tm",
            dependencies: [
                "TaskManagerClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "TaskManagerTests",
            dependencies: [
                "TaskManager",
                "TaskManagerClient",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
