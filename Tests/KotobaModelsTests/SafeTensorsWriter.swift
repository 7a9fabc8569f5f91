import Foundation
import KotobaTensor

/// Writes F32 (or F16) tensors in safetensors layout, for tests that need a checkpoint on disk.
enum SafeTensorsWriter {
    /// Tensors named in `halves` are written as F16 bit patterns (`Float16(value)`, so give exact halves).
    static func write(_ tensors: [(String, Tensor)], to url: URL, halves: Set<String> = []) throws {
        var header: [String: Any] = [:]
        var data: [UInt8] = []
        for (name, tensor) in tensors {
            let begin = data.count
            if halves.contains(name) {
                for value in tensor.storage { withUnsafeBytes(of: Float16(value).bitPattern.littleEndian) { data += $0 } }
            } else {
                for value in tensor.storage { withUnsafeBytes(of: value.bitPattern.littleEndian) { data += $0 } }
            }
            header[name] = ["dtype": halves.contains(name) ? "F16" : "F32", "shape": tensor.shape,
                            "data_offsets": [begin, data.count]]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Padded with spaces to a multiple of 8, as the safetensors library writes it, so the data is aligned.
        json += Data(repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
        var bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) }
        bytes += json + data
        try Data(bytes).write(to: url)
    }

    /// A fresh empty directory under the temporary directory.
    static func temporaryDirectory(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("kotoba-\(name.filter(\.isLetter))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
