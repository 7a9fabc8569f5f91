import Foundation

/// Runs corpus files through a target outside libFuzzer: the seeds and reproducers, in tests and by hand.
enum Replay {
    /// The files under each path (a file, or a folder's regular files, sorted), skipping README.md.
    static func files(_ paths: [String]) -> [URL] {
        paths.flatMap { path -> [URL] in
            let url = URL(fileURLWithPath: path)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return [] }
            guard isFolder.boolValue else { return [url] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.filter { $0 != "README.md" && !$0.hasPrefix(".") }.sorted()
                .map { url.appendingPathComponent($0) }
        }
    }

    /// Checks each file; returns the failures as "file: rule" lines.
    static func run(_ target: FuzzTarget, files: [URL]) -> [String] {
        var failures: [String] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.path) else {
                failures.append("\(file.path): unreadable")
                continue
            }
            do {
                try target.check([UInt8](data))
            } catch {
                failures.append("\(file.path): \(error)")
            }
        }
        return failures
    }
}
