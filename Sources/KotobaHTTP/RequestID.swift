/// X-Request-ID handling: accept a client's identifier only when it is short and plain, else make one.
package enum RequestID {
    /// Longer identifiers are replaced: they end up in logs and response headers.
    package static let maxLength = 128

    /// True for 1...128 characters of `A-Z a-z 0-9 - _ . : / + = @`.
    package static func isAcceptable(_ candidate: String) -> Bool {
        let bytes = candidate.utf8
        guard !bytes.isEmpty, bytes.count <= maxLength else { return false }
        return bytes.allSatisfy(isAllowed)
    }

    static func isAcceptable(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.count <= maxLength && bytes.allSatisfy(isAllowed)
    }

    @inline(__always) private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"),
             UInt8(ascii: "/"), UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: "@"): return true
        default: return false
        }
    }

    /// 32 lowercase hex digits from the system generator (128 random bits).
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    static func hex(_ value: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                buffer[index] = digits[Int((value >> (60 - 4 * UInt64(index))) & 0xF)]
            }
            return 16
        }
    }
}

/// Per-event-loop identifiers without a system call per request: a random 64-bit prefix drawn once,
/// then a counter mixed through SplitMix64, so identifiers stay unique and do not reveal request counts.
struct RequestIDGenerator {
    private let prefix: String
    private var state: UInt64

    init() {
        var system = SystemRandomNumberGenerator()
        prefix = RequestID.hex(system.next())
        state = system.next()
    }

    mutating func next() -> String {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return prefix + RequestID.hex(mixed ^ (mixed >> 31))
    }
}
