import CKernels
import Foundation

/// A memory-mapped `.safetensors` file whose header has been fully validated.
///
/// Format (huggingface/safetensors, `safetensors/src/tensor.rs` at v0.8.0): an 8-byte little-endian header
/// length `N`, `N` bytes of JSON mapping each tensor name to `{dtype, shape, data_offsets: [begin, end]}`
/// (offsets relative to the byte after the header) plus an optional `__metadata__` string map, then the data.
/// Every check happens at open time — header bounds, JSON, dtype, `shape product × dtype size == end - begin`,
/// offsets inside the data section, no two tensors overlapping, no arithmetic overflow — so reading a tensor
/// later can never touch a byte outside the file.
public struct SafeTensorsFile: Sendable {
    /// Element types the format names; only the floating ones convert to `Float`.
    public enum DType: String, Sendable, CaseIterable {
        case bool = "BOOL", u8 = "U8", i8 = "I8", f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
        case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
        case i32 = "I32", u32 = "U32", f32 = "F32"
        case i64 = "I64", u64 = "U64", f64 = "F64"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .bool, .u8, .i8, .f8e5m2, .f8e4m3: 1
            case .i16, .u16, .f16, .bf16: 2
            case .i32, .u32, .f32: 4
            case .i64, .u64, .f64: 8
            }
        }
    }

    /// One tensor's header entry, with its byte range made absolute within the file.
    public struct Entry: Sendable, Equatable {
        /// Element type on disk.
        public var dtype: DType
        /// Extent of each dimension.
        public var shape: [Int]
        /// Bytes of the file holding the elements, row-major.
        public var bytes: Range<Int>
    }

    /// The largest header the reference implementation accepts (`MAX_HEADER_SIZE`); a bigger claim is hostile.
    public static let maximumHeaderLength = 100_000_000

    /// The file's path, for error messages.
    public var path: String { file.path }
    /// Header entries by tensor name.
    public let entries: [String: Entry]
    /// The `__metadata__` map (for instance `{"format": "pt"}`).
    public let metadata: [String: String]
    private let file: MappedFile

    /// Maps and validates the file at `path`.
    public init(path: String) throws(StorageError) {
        file = try MappedFile(path: path)
        let size = file.count
        guard size >= 8 else { throw .invalid(path: path, tensor: nil, reason: "file of \(size) bytes has no header") }
        let declared = file.withBytes(in: 0..<8) { $0.loadUnaligned(as: UInt64.self) }
        let headerLength = UInt64(littleEndian: declared)
        guard headerLength <= UInt64(Self.maximumHeaderLength), Int(headerLength) <= size - 8 else {
            throw .invalid(path: path, tensor: nil,
                           reason: "header length \(headerLength) exceeds the file (\(size) bytes) or the limit")
        }
        let dataStart = 8 + Int(headerLength)
        let header: Header
        do {
            header = try file.withBytes(in: 8..<dataStart) { bytes in
                try JSONDecoder().decode(Header.self, from: Data(bytes))
            }
        } catch {
            throw .invalid(path: path, tensor: nil,
                           reason: "header is not valid safetensors JSON: \(Self.describe(error))")
        }
        entries = try Self.validate(header.tensors, dataStart: dataStart, fileSize: size, path: path)
        metadata = header.metadata
    }

    /// The names of every tensor in the file, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// The tensor `name` converted to `Float` (from F32, F16, BF16 or F64).
    public func tensor(_ name: String) throws(StorageError) -> Tensor {
        guard let entry = entries[name] else { throw .missing(path: path, tensor: name) }
        let count = entry.shape.reduce(1, *)
        var values = ContiguousArray<Float>(repeating: 0, count: count)
        let dtype = entry.dtype
        guard [.f32, .f16, .bf16, .f64].contains(dtype) else {
            throw .invalid(path: path, tensor: name, reason: "dtype \(dtype.rawValue) does not convert to F32")
        }
        file.withBytes(in: entry.bytes) { raw in
            values.withUnsafeMutableBufferPointer { out in
                guard count > 0, let source = raw.baseAddress, let target = out.baseAddress else { return }
                func half(_ i: Int) -> UInt16 {
                    UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                }
                switch dtype {
                case .f32:
                    // The data section need not be 4-byte aligned, so copy bytes rather than bind memory.
                    UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: count * 4)
                case .f16:
                    kotoba_halves_to_floats(source, target, count)
                case .bf16:
                    for i in 0..<count { out[i] = HalfPrecision.float(fromBFloat16: half(i)) }
                default:
                    for i in 0..<count {
                        let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
                        out[i] = Float(Double(bitPattern: bits))
                    }
                }
            }
        }
        return Tensor(uncheckedShape: entry.shape, storage: values)
    }

    /// The F16 tensor `name` as IEEE half bit patterns, read in place from the mapping (no conversion, no copy
    /// on a little-endian machine with aligned data); nil when it is stored in another dtype.
    public func halves(_ name: String) throws(StorageError) -> (shape: [Int], bits: HalfWeights)? {
        guard let entry = entries[name] else { throw .missing(path: path, tensor: name) }
        guard entry.dtype == .f16 else { return nil }
        let count = entry.shape.reduce(1, *)
        #if _endian(little)
        return (entry.shape, HalfWeights(mapping: file, offset: entry.bytes.lowerBound, count: count))
        #else
        return (entry.shape, HalfWeights(file.withBytes(in: entry.bytes) { HalfWeights.copied(from: $0, count: count) }))
        #endif
    }

    private static func validate(
        _ raw: [String: RawEntry], dataStart: Int, fileSize: Int, path: String
    ) throws(StorageError) -> [String: Entry] {
        let dataSize = fileSize - dataStart
        var entries: [String: Entry] = [:]
        for (name, item) in raw {
            guard let dtype = DType(rawValue: item.dtype) else {
                throw .invalid(path: path, tensor: name, reason: "unknown dtype \"\(item.dtype)\"")
            }
            guard item.shape.allSatisfy({ $0 >= 0 }) else {
                throw .invalid(path: path, tensor: name, reason: "negative dimension in shape \(item.shape)")
            }
            var byteCount = dtype.size
            for extent in item.shape {
                let (product, overflow) = byteCount.multipliedReportingOverflow(by: extent)
                guard !overflow else {
                    throw .invalid(path: path, tensor: name, reason: "shape \(item.shape) overflows")
                }
                byteCount = product
            }
            guard item.offsets.count == 2 else {
                throw .invalid(path: path, tensor: name, reason: "data_offsets must hold two numbers")
            }
            let (begin, end) = (item.offsets[0], item.offsets[1])
            guard begin >= 0, begin <= end, end <= dataSize else {
                throw .invalid(path: path, tensor: name,
                               reason: "data_offsets [\(begin), \(end)] outside the data section of \(dataSize) bytes")
            }
            guard end - begin == byteCount else {
                throw .invalid(path: path, tensor: name, reason: "shape \(item.shape) × \(dtype.rawValue) needs "
                               + "\(byteCount) bytes but data_offsets span \(end - begin)")
            }
            entries[name] = Entry(dtype: dtype, shape: item.shape, bytes: (dataStart + begin)..<(dataStart + end))
        }
        let ordered = entries.sorted { ($0.value.bytes.lowerBound, $0.key) < ($1.value.bytes.lowerBound, $1.key) }
        for (previous, next) in zip(ordered, ordered.dropFirst())
        where previous.value.bytes.upperBound > next.value.bytes.lowerBound {
            throw .invalid(path: path, tensor: next.key, reason: "data overlaps tensor \"\(previous.key)\"")
        }
        return entries
    }

    private static func describe(_ error: any Error) -> String {
        if case let DecodingError.dataCorrupted(context) = error { return context.debugDescription }
        if case let DecodingError.typeMismatch(_, context) = error {
            return context.codingPath.map(\.stringValue).joined(separator: ".") + ": " + context.debugDescription
        }
        if case let DecodingError.keyNotFound(key, context) = error {
            return (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".") + " missing"
        }
        return String(describing: error)
    }
}

/// The JSON header as written: tensor entries plus the optional `__metadata__` map.
private struct Header: Decodable {
    var tensors: [String: RawEntry] = [:]
    var metadata: [String: String] = [:]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                tensors[key.stringValue] = try container.decode(RawEntry.self, forKey: key)
            }
        }
    }
}

private struct RawEntry: Decodable {
    var dtype: String
    var shape: [Int]
    var offsets: [Int]

    enum CodingKeys: String, CodingKey {
        case dtype, shape, offsets = "data_offsets"
    }
}
