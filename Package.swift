// swift-tools-version: 6.2
import PackageDescription

// Functional core, imperative shell: Reconciler has no dependencies at all; the adapters
// (DesiredState, ARAAdapter, ARIWatcher) do I/O; reconcilerd only wires them together.
let package = Package(
    name: "reconcilerd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "reconcilerd", targets: ["reconcilerd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "PGClient", dependencies: ["CLibPQ"]),
        .target(name: "Reconciler"),
        .target(name: "DesiredState", dependencies: ["Reconciler", "PGClient"]),
        .target(name: "ARAAdapter", dependencies: ["Reconciler", "PGClient"]),
        .target(
            name: "ARIWatcher",
            dependencies: [
                "Reconciler",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "reconcilerd",
            dependencies: [
                "Reconciler", "DesiredState", "ARAAdapter", "ARIWatcher", "PGClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["PGClient", "Reconciler"], path: "Tests/TestSupport"),
        .testTarget(name: "ReconcilerTests", dependencies: ["Reconciler"]),
        .testTarget(name: "PGClientTests", dependencies: ["PGClient", "TestSupport"]),
        .testTarget(name: "DesiredStateTests", dependencies: ["DesiredState", "TestSupport"]),
        .testTarget(name: "ARAAdapterTests", dependencies: ["ARAAdapter", "DesiredState", "TestSupport"]),
        // Loopback servers that answer like the recorded Asterisk 22.10.1 fixtures. They do not
        // import ARIWatcher, so they stay an independent referee of the clients.
        .target(
            name: "AsteriskDoubles",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/AsteriskDoubles",
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "ARIWatcherTests", dependencies: ["ARIWatcher", "Reconciler", "AsteriskDoubles"]),
        .testTarget(name: "reconcilerdTests", dependencies: ["reconcilerd", "TestSupport", "AsteriskDoubles"]),
        .testTarget(name: "ReliabilityTests", dependencies: ["reconcilerd", "ARAAdapter", "DesiredState", "TestSupport", "AsteriskDoubles"]),
    ],
    swiftLanguageModes: [.v6]
)
