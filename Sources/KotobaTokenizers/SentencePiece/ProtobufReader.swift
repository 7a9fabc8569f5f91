// Protocol Buffers wire format, read by hand so that KotobaTokenizers needs no swift-protobuf.
// Reference: https://protobuf.dev/programming-guides/encoding/ (varint, fixed32/64, length-delimited).

/// A bounds-checked cursor over protobuf wire-format bytes; every read that runs past the end throws.
struct ProtobufReader {
    /// The wire types a field key can carry (groups, 3 and 4, are deprecated and refused).
    enum WireType: UInt64 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// Why a message could not be read; `ModelProto` wraps it with the file and field.
    enum Failure: Error, Equatable, CustomStringConvertible {
        case truncated(offset: Int)
        case malformedVarint(offset: Int)
        case unsupportedWireType(UInt64, offset: Int)

        var description: String {
            switch self {
            case let .truncated(offset): "truncated at byte \(offset)"
            case let .malformedVarint(offset): "malformed varint at byte \(offset)"
            case let .unsupportedWireType(wire, offset): "unsupported wire type \(wire) at byte \(offset)"
            }
        }
    }

    private let bytes: [UInt8]
    private(set) var offset: Int
    private let end: Int

    init(_ bytes: [UInt8]) {
        self.init(bytes, range: 0..<bytes.count)
    }

    private init(_ bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        self.offset = range.lowerBound
        self.end = range.upperBound
    }

    var isAtEnd: Bool { offset >= end }

    /// Reads the next field key, or nil at the end of the message.
    mutating func nextField() throws(Failure) -> (number: UInt64, wire: WireType)? {
        if isAtEnd { return nil }
        let start = offset
        let key = try varint()
        guard let wire = WireType(rawValue: key & 7) else {
            throw .unsupportedWireType(key & 7, offset: start)
        }
        return (key >> 3, wire)
    }

    mutating func varint() throws(Failure) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw .truncated(offset: start) }
            let byte = bytes[offset]
            offset += 1
            // The tenth byte may only carry the top bit of a 64-bit value.
            guard shift < 63 || (shift == 63 && byte <= 1) else { throw .malformedVarint(offset: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func fixed32() throws(Failure) -> UInt32 {
        guard end - offset >= 4 else { throw .truncated(offset: offset) }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        offset += 4
        return value
    }

    mutating func float() throws(Failure) -> Float {
        Float(bitPattern: try fixed32())
    }

    /// The payload of a length-delimited field, as its own reader.
    mutating func message() throws(Failure) -> ProtobufReader {
        let range = try lengthDelimitedRange()
        return ProtobufReader(bytes, range: range)
    }

    mutating func bytesField() throws(Failure) -> [UInt8] {
        Array(bytes[try lengthDelimitedRange()])
    }

    /// A string field as raw bytes; the caller decides whether invalid UTF-8 is an error.
    mutating func utf8() throws(Failure) -> ArraySlice<UInt8> {
        bytes[try lengthDelimitedRange()]
    }

    mutating func bool() throws(Failure) -> Bool { try varint() != 0 }

    /// int32 fields are sign-extended to 64 bits on the wire, so -1 arrives as ten bytes.
    mutating func int32() throws(Failure) -> Int32 { Int32(truncatingIfNeeded: Int64(bitPattern: try varint())) }

    mutating func skip(_ wire: WireType) throws(Failure) {
        switch wire {
        case .varint: _ = try varint()
        case .fixed32: _ = try fixed32()
        case .fixed64:
            guard end - offset >= 8 else { throw .truncated(offset: offset) }
            offset += 8
        case .lengthDelimited: _ = try lengthDelimitedRange()
        }
    }

    private mutating func lengthDelimitedRange() throws(Failure) -> Range<Int> {
        let start = offset
        let length = try varint()
        guard length <= UInt64(end - offset) else { throw .truncated(offset: start) }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }
}
