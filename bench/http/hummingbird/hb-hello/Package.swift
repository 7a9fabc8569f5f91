// swift-tools-version: 6.1
import PackageDescription

// The peer for bench/http/run.sh: Hummingbird 2's hello world, built with its own scratch path.
let package = Package(
    name: "hb-hello",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(name: "hb-hello", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ]
)
