import Foundation
import Testing
@testable import KotobaTensor

/// Writes `header` (JSON text) and `data` in safetensors layout to a fresh temporary file.
func writeSafeTensors(header: String, data: [UInt8], declaredLength: UInt64? = nil, name: String = #function) throws -> String {
    let headerBytes = Array(header.utf8)
    var bytes = withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { Array($0) }
    bytes += headerBytes + data
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("kotoba-\(name.filter(\.isLetter))-\(UUID().uuidString).safetensors").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

private func floatBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
}

/// A hostile or malformed file and the reason fragment its typed error must carry.
struct HostileFile: CustomStringConvertible, Sendable {
    let description: String
    let header: String
    let data: [UInt8]
    var declaredLength: UInt64? = nil
    let tensor: String?
    let reasonContains: String
}

let hostileFiles: [HostileFile] = [
    HostileFile(description: "header length larger than the file", header: "{}", data: [],
                declaredLength: 1 << 40, tensor: nil, reasonContains: "header length"),
    HostileFile(description: "header length near UInt64.max", header: "{}", data: [],
                declaredLength: .max, tensor: nil, reasonContains: "header length"),
    HostileFile(description: "header that is not JSON", header: "{\"a\": [", data: [],
                tensor: nil, reasonContains: "JSON"),
    HostileFile(description: "entry missing data_offsets", header: #"{"w":{"dtype":"F32","shape":[1]}}"#, data: [0, 0, 0, 0],
                tensor: nil, reasonContains: "JSON"),
    HostileFile(description: "unknown dtype", header: #"{"w":{"dtype":"F99","shape":[1],"data_offsets":[0,4]}}"#,
                data: [0, 0, 0, 0], tensor: "w", reasonContains: "unknown dtype"),
    HostileFile(description: "shape does not match the byte range",
                header: #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8),
                tensor: "w", reasonContains: "needs 16 bytes"),
    HostileFile(description: "data_offsets past the end (truncated data)",
                header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: Array(repeating: 0, count: 12),
                tensor: "w", reasonContains: "outside the data section"),
    HostileFile(description: "reversed data_offsets",
                header: #"{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}"#, data: Array(repeating: 0, count: 8),
                tensor: "w", reasonContains: "outside the data section"),
    HostileFile(description: "shape whose product overflows",
                header: #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#,
                data: Array(repeating: 0, count: 4), tensor: "w", reasonContains: "overflows"),
    HostileFile(description: "offset too large for an integer",
                header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,99999999999999999999999]}}"#,
                data: Array(repeating: 0, count: 4), tensor: nil, reasonContains: "JSON"),
    HostileFile(description: "overlapping tensors",
                header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                data: Array(repeating: 0, count: 12), tensor: "b", reasonContains: "overlaps tensor \"a\""),
    HostileFile(description: "negative dimension",
                header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: Array(repeating: 0, count: 4),
                tensor: "w", reasonContains: "negative"),
]

@Suite struct SafeTensorsTests {
    @Test(arguments: hostileFiles)
    func hostileFileIsRejectedWithTypedError(_ file: HostileFile) throws {
        let path = try writeSafeTensors(header: file.header, data: file.data, declaredLength: file.declaredLength)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: StorageError.self) { try SafeTensorsFile(path: path) }
        guard case let .invalid(errorPath, tensor, reason)? = error else {
            Issue.record("\(file): expected .invalid, got \(String(describing: error))")
            return
        }
        #expect(errorPath == path)
        #expect(tensor == file.tensor)
        #expect(reason.contains(file.reasonContains), "\(file): reason was \"\(reason)\"")
    }

    @Test func fileShorterThanTheLengthPrefixIsInvalid() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-short-\(UUID()).safetensors").path
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: StorageError.invalid(path: path, tensor: nil, reason: "file of 3 bytes has no header")) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test func missingFileIsUnreadable() {
        #expect {
            try SafeTensorsFile(path: "/nonexistent/kotoba.safetensors")
        } throws: { error in
            guard case StorageError.unreadable(path: "/nonexistent/kotoba.safetensors", _) = error else { return false }
            return true
        }
    }

    @Test func readsF32TensorsAndMetadataAtUnalignedOffsets() throws {
        // A 3-byte-padded header puts the data section at an odd address: reads must not assume alignment.
        let header = #"{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]},"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#
        let path = try writeSafeTensors(header: header + "   ", data: floatBytes([1, -2, 3.5, 0.25, 1e-7]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try SafeTensorsFile(path: path)
        #expect(file.names == ["a", "b"])
        #expect(file.metadata == ["format": "pt"])
        #expect(try file.tensor("a") == Tensor(shape: [3], [1, -2, 3.5]))
        #expect(try file.tensor("b") == Tensor(shape: [2], [0.25, 1e-7]))
        #expect(throws: StorageError.missing(path: path, tensor: "c")) { try file.tensor("c") }
    }

    @Test func convertsF16AndBF16IncludingSpecialValues() throws {
        // F16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), -0, +inf. BF16: 1, -2.5, 3.140625.
        let half: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00]
        let brain: [UInt16] = [0x3F80, 0xC020, 0x4049]
        let data = (half + brain).flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }
        let header = #"{"h":{"dtype":"F16","shape":[6],"data_offsets":[0,12]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[12,18]}}"#
        let path = try writeSafeTensors(header: header, data: data)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try SafeTensorsFile(path: path)
        let h = try file.tensor("h").storage
        #expect(Array(h) == [1, -2, 65504, 0x1p-24, 0, .infinity])
        #expect(h[4].sign == .minus)
        #expect(try file.tensor("b").storage == [1, -2.5, 3.140625])
        #expect(HalfPrecision.float(fromHalf: 0x7E00).isNaN)
    }

    @Test func halfConversionMatchesFloat16ForEveryBitPattern() {
        #if !(os(macOS) && arch(x86_64))
        for bits in UInt16.min...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = HalfPrecision.float(fromHalf: bits)
            if expected.isNaN { #expect(actual.isNaN); continue }
            if actual.bitPattern != expected.bitPattern {
                Issue.record("bits \(String(bits, radix: 16)): \(actual) vs \(expected)")
                return
            }
        }
        #endif
    }

    @Test func integerTensorIsListedButNotConvertible() throws {
        let header = #"{"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#
        let path = try writeSafeTensors(header: header, data: Array(repeating: 0, count: 8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try SafeTensorsFile(path: path)
        #expect(file.entries["ids"]?.dtype == .i64)
        #expect(throws: StorageError.invalid(path: path, tensor: "ids", reason: "dtype I64 does not convert to F32")) {
            try file.tensor("ids")
        }
    }
}
