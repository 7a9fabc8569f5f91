// swift-tools-version: 6.1
import PackageDescription

// The Marian benchmark driver. The main package exports only the `kotoba` executable, so this package builds the
// three modules it needs from the same sources through the symlinks in Sources/ (no copy, no edit of the main
// package), with the main package's release flags.
let release: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "MarianBench",
    targets: [
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas"),
        .target(name: "KotobaTensor", dependencies: ["COpenBLAS"], swiftSettings: release),
        .target(name: "KotobaModels", dependencies: ["KotobaTensor"], swiftSettings: release),
        .executableTarget(name: "MarianBench", dependencies: ["KotobaModels", "KotobaTensor"], swiftSettings: release),
    ]
)
