// swift-tools-version: 6.1
import PackageDescription

// Kotoba's HTTP server alone, for bench/http/run.sh. KotobaHTTP is not a product of the main package,
// so Sources/KotobaHTTP here is a symlink to the real sources, compiled as they are (release, -O).
let package = Package(
    name: "kotoba-hello",
    platforms: [.macOS(.v14)],
    targets: [
        .target(name: "KotobaHTTP", exclude: ["README.md"]),
        .executableTarget(name: "kotoba-hello", dependencies: ["KotobaHTTP"]),
    ]
)
