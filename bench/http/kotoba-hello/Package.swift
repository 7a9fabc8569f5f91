// swift-tools-version: 6.1
import PackageDescription

// Kotoba's HTTP server alone, for bench/http/run.sh and tls.sh. KotobaHTTP is not a product of the main
// package, so Sources/KotobaHTTP (and the system-library modules it links) are symlinks to the real sources,
// compiled as they are (release, -O).
let package = Package(
    name: "kotoba-hello",
    platforms: [.macOS(.v14)],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl"),
        .target(name: "KotobaHTTP", dependencies: ["CZlib", "COpenSSL"], exclude: ["README.md"]),
        .executableTarget(name: "kotoba-hello", dependencies: ["KotobaHTTP"]),
    ]
)
