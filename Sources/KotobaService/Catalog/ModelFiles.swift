import Foundation

/// The identity of every file in a model folder when it was loaded, for telling at reload time whether the
/// folder still holds the same model.
///
/// Model files are replaced by atomic rename, never rewritten in place, so a replaced file always shows a new
/// inode; size and modification time catch a file that was rewritten in place anyway. Reading stat data costs
/// microseconds, where digesting the weights again would read every byte of every model on each reload; the
/// price is that a file rewritten with the same bytes (or merely touched) reloads too, which is harmless.
struct ModelFiles: Sendable, Equatable {
    /// What `stat` says about one regular file.
    struct Identity: Sendable, Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedNanoseconds: Int64
    }

    /// Relative path → identity, for every regular file under the folder (subfolders included: a
    /// sentence-transformers layout keeps its pooling config in one). Empty when the folder cannot be read.
    private(set) var files: [String: Identity] = [:]

    /// No files: an entry that has not started loading.
    init() {}

    /// The files under `path` as they are now (symbolic links followed, so a folder that links to another
    /// changes when its target's files do).
    init(path: String) {
        let root = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return }
        while let relative = walker.nextObject() as? String {
            var info = stat()
            guard stat(root.appendingPathComponent(relative).path, &info) == 0,
                  info.st_mode & S_IFMT == S_IFREG else { continue }
            files[relative] = Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                                       modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000
                                           + Int64(info.st_mtim.tv_nsec))
        }
    }

    /// Files added, removed or replaced between `self` (then) and `now`, sorted.
    func changes(to now: ModelFiles) -> [String] {
        Set(files.keys).union(now.files.keys).filter { files[$0] != now.files[$0] }.sorted()
    }
}
