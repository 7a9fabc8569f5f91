import Foundation

/// Files the targets load once (tokenizers), found from this source file's place in the repository, so
/// both the replay test and scripts/fuzz.sh find them without configuration.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> URL {
        root.appendingPathComponent(relative)
    }
}
