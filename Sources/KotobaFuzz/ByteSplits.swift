/// Cut points for feeding a byte stream in pieces, derived from the bytes themselves so that an input
/// replays the same way every time (libFuzzer minimises and reproduces by input alone).
struct ByteSplits {
    /// SplitMix64 seeded with an FNV-1a hash of the input and a salt.
    private var state: UInt64

    init(_ bytes: [UInt8], salt: UInt64 = 0) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ salt
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        state = hash
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (bound > 0).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// Consecutive ranges covering `0..<count`: single bytes, short runs, longer runs, or one cut, chosen
    /// per input, because each finds different bugs in code that keeps state between reads.
    mutating func pieces(count: Int) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let longest: Int
        switch below(4) {
        case 0: longest = 1
        case 1: longest = 8
        case 2: longest = 64
        default:
            let cut = below(count + 1)
            return [0..<cut, cut..<count].filter { !$0.isEmpty }
        }
        var ranges: [Range<Int>] = []
        var start = 0
        while start < count {
            let end = min(count, start + 1 + below(longest))
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }
}
