// swift-tools-version: 6.1
import PackageDescription

// Dependencies point one way:
//   kotoba → KotobaService → {KotobaHTTP, KotobaTasks, COpenSSL}
//   KotobaTasks → {KotobaModels, KotobaTokenizers}
//   KotobaModels → KotobaTensor → {COpenBLAS, CKernels}
//   KotobaService, KotobaTokenizers → KotobaJSON
// KotobaHTTP imports no Kotoba module (only the system zlib, and OpenSSL for TLS).

let release: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "Kotoba",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kotoba", targets: ["kotoba"]),
        // For packages beside this one that build on the model code (bench/bert).
        .library(name: "KotobaModels", targets: ["KotobaModels", "KotobaTensor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        // Pointwise C kernels built for baseline x86-64, AVX2 and AVX-512, one picked per process, KOTOBA_CPU first (Swift compiles
        // SIMD code for the baseline only). FMA contraction is the only liberty taken: no fast-math.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-ffp-contract=fast"])]),
        .target(name: "KotobaTensor", dependencies: ["COpenBLAS", "CKernels"], exclude: ["README.md"],
                swiftSettings: release),
        // No -Ounchecked here or in KotobaJSON: both walk client text, so bounds checks stay on.
        .target(name: "KotobaJSON"),
        .target(name: "KotobaTokenizers", dependencies: ["KotobaJSON"], exclude: ["README.md"]),
        .target(name: "KotobaModels", dependencies: ["KotobaTensor"], exclude: ["README.md", "Marian/README.md"],
                swiftSettings: release),
        .target(name: "KotobaTasks", dependencies: ["KotobaModels", "KotobaTokenizers", "KotobaTensor"],
                exclude: ["README.md"]),
        // zlib for gzip/deflate bodies both ways.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // OpenSSL (libssl-dev) for HTTPS.
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "KotobaHTTP", dependencies: ["CZlib", "COpenSSL"], exclude: ["README.md"]),
        // COpenSSL also for libcrypto's SHA-256 (model digests, API keys).
        .target(name: "KotobaService", dependencies: [
            "KotobaHTTP", "KotobaTasks", "KotobaJSON", "COpenSSL",
            .product(name: "Logging", package: "swift-log"),
        ], exclude: ["README.md"]),
        .executableTarget(name: "kotoba", dependencies: [
            "KotobaService",
            "KotobaTasks",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Fuzz targets. A plain build replays corpus files through them (the test below does the same);
        // scripts/fuzz.sh rebuilds it with -sanitize=fuzzer and -DKOTOBA_LIBFUZZER to hand them to libFuzzer.
        // It reaches internals through @testable imports, so it builds where testing is enabled (debug, tests).
        .executableTarget(name: "kotoba-fuzz", dependencies: [
            "KotobaHTTP", "KotobaJSON", "KotobaTokenizers", "KotobaTensor", "KotobaService", "CZlib", "CLibFuzzer",
        ], path: "Sources/KotobaFuzz", exclude: ["README.md"]),
        // Declares libFuzzer's LLVMFuzzerRunDriver for the fuzzing build; nothing is linked from it otherwise.
        .target(name: "CLibFuzzer"),

        .testTarget(name: "KotobaTensorTests", dependencies: ["KotobaTensor", "CKernels"], exclude: ["Fixtures"]),
        .testTarget(name: "KotobaJSONTests", dependencies: ["KotobaJSON"]),
        .testTarget(name: "KotobaTokenizersTests", dependencies: ["KotobaTokenizers", "KotobaJSON"], exclude: ["Fixtures"]),
        .testTarget(name: "KotobaModelsTests", dependencies: ["KotobaModels", "KotobaTensor"], exclude: ["Fixtures"]),
        .testTarget(name: "KotobaTasksTests", dependencies: ["KotobaTasks"], exclude: ["Fixtures"]),
        .testTarget(name: "KotobaHTTPTests", dependencies: ["KotobaHTTP"], exclude: ["Corpus", "TLSFixtures"]),
        .testTarget(name: "KotobaServiceTests", dependencies: ["KotobaService"]),
        .testTarget(name: "KotobaFuzzTests", dependencies: ["kotoba-fuzz"]),
    ]
)
