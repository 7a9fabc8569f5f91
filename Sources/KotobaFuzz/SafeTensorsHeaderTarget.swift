import Foundation
import KotobaTensor

/// Opening a safetensors file from arbitrary bytes (the loader maps files, so each input is written to a
/// scratch file first). Rules: the file is refused with a `StorageError`, or every entry's bytes lie in
/// the data section, match its shape and dtype, and overlap no other entry; reading a tensor never crashes.
enum SafeTensorsHeaderTarget {
    /// One scratch file per process, rewritten for each input.
    static let scratch = FileManager.default.temporaryDirectory
        .appendingPathComponent("kotoba-fuzz-\(ProcessInfo.processInfo.processIdentifier).safetensors")

    static let target = FuzzTarget(
        name: "safetensors",
        summary: "SafeTensorsFile: refuses or gives entries inside the data section, sized by shape, disjoint"
    ) { bytes throws(InvariantFailure) in
        do { try Data(bytes).write(to: scratch) } catch {
            throw InvariantFailure(description: "cannot write \(scratch.path): \(error)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        guard let file = try? SafeTensorsFile(path: scratch.path) else { return }
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let dataStart = 8 + headerLength
        var previousEnd = dataStart
        for (name, entry) in file.entries.sorted(by: { $0.value.bytes.lowerBound < $1.value.bytes.lowerBound }) {
            try expect(entry.bytes.lowerBound >= dataStart && entry.bytes.upperBound <= bytes.count,
                       "\(name): bytes \(entry.bytes) outside the data section \(dataStart)..<\(bytes.count)")
            try expect(entry.bytes.count == entry.shape.reduce(entry.dtype.size, *),
                       "\(name): \(entry.bytes.count) bytes for shape \(entry.shape) of \(entry.dtype)")
            try expect(entry.bytes.isEmpty || entry.bytes.lowerBound >= previousEnd, "\(name) overlaps the entry before")
            previousEnd = max(previousEnd, entry.bytes.upperBound)
            _ = try? file.tensor(name)
        }
    }
}
