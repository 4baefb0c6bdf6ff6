// swift-tools-version:6.1
import PackageDescription

// The ceiling for bench/run: a bare Hummingbird 2 route, no middleware, no database. Every row of
// the benchmark can be read as a fraction of what the framework itself serves on this machine.
let package = Package(
    name: "ceiling",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1")
    ],
    targets: [
        .executableTarget(name: "Ceiling", dependencies: [.product(name: "Hummingbird", package: "hummingbird")])
    ]
)
