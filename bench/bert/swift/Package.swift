// swift-tools-version: 6.1
// The BERT benchmark: a separate package so the main one carries no benchmark code; it builds on the model
// code through the main package's KotobaModels library product.
import PackageDescription

let package = Package(
    name: "BertBench",
    dependencies: [.package(name: "Kotoba", path: "../../..")],
    targets: [
        .executableTarget(
            name: "BertBench",
            dependencies: [.product(name: "KotobaModels", package: "Kotoba")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]),
        .executableTarget(
            name: "BertLatency",
            dependencies: [.product(name: "KotobaModels", package: "Kotoba")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]),
    ]
)
