@testable import KotobaHTTP

/// The request-body inflater. The first byte picks a mode: data compressed by zlib as gzip (sometimes two
/// members), zlib-wrapped deflate or raw deflate must inflate back exactly, however the compressed bytes
/// are cut; any other bytes must inflate within the output limit or be refused, the same way however cut.
enum InflaterTarget {
    static let limit = 8192

    static let target = FuzzTarget(
        name: "inflater",
        summary: "Inflater: inflate(deflate(x)) == x for gzip/zlib/raw; garbage refused within the output bound"
    ) { bytes throws(InvariantFailure) in
        guard let mode = bytes.first else { return }
        let data = Array(bytes.dropFirst())
        var splits = ByteSplits(bytes, salt: 3)
        switch mode % 4 {
        case 0, 1, 2:
            let (coding, wire) = compressed(data, mode: Int(mode % 4), level: Int32(mode / 4 % 10))
            let result = inflate(wire, coding: coding, pieces: splits.pieces(count: wire.count), limit: 1 << 20)
            try expect(result.verdict == "finished", "\(coding) of \(data.count) bytes: \(result.verdict)")
            try expect(result.output == data, "\(coding): inflated \(result.output.count) bytes, not the \(data.count) sent")
        default:
            let coding: ContentCoding = mode / 4 % 2 == 0 ? .gzip : .deflate
            let whole = inflate(data, coding: coding, pieces: [0..<data.count], limit: limit)
            let split = inflate(data, coding: coding, pieces: splits.pieces(count: data.count), limit: limit)
            try expect(whole.output.count <= limit && split.output.count <= limit, "output passed the limit")
            try expect(whole.verdict == split.verdict, "\(coding) whole: \(whole.verdict), split: \(split.verdict)")
            if whole.verdict == "finished" { try expect(whole.output == split.output, "finished outputs differ") }
        }
    }

    /// Feeds the pieces, then finishes; the verdict is "finished", "tooLarge" or "corrupt".
    static func inflate(_ wire: [UInt8], coding: ContentCoding, pieces: [Range<Int>],
                        limit: Int) -> (verdict: String, output: [UInt8]) {
        let inflater = Inflater(coding: coding)
        var output: [UInt8] = []
        do {
            for piece in pieces {
                try Array(wire[piece]).withUnsafeBufferPointer { (bytes) throws(Inflater.Failure) in
                    try inflater.feed(bytes, into: &output, limit: limit)
                }
            }
            try inflater.finish()
            return ("finished", output)
        } catch {
            switch error {
            case .tooLarge: return ("tooLarge", output)
            case .corrupt: return ("corrupt", output)
            }
        }
    }

    /// zlib's own compression of `data`: mode 0 gzip (two members when long enough), 1 zlib, 2 raw deflate.
    static func compressed(_ data: [UInt8], mode: Int, level: Int32) -> (ContentCoding, [UInt8]) {
        switch mode {
        case 0:
            let half = data.count / 2
            if data.count >= 8 {
                return (.gzip, deflate(Array(data[..<half]), level: level, windowBits: 16 + 15)
                    + deflate(Array(data[half...]), level: level, windowBits: 16 + 15))
            }
            return (.gzip, deflate(data, level: level, windowBits: 16 + 15))
        case 1: return (.deflate, deflate(data, level: level, windowBits: 15))
        default: return (.deflate, deflate(data, level: level, windowBits: -15))
        }
    }

    /// `data` compressed by the server's own encoder, in the framing `windowBits` names; empty if zlib fails.
    static func deflate(_ data: [UInt8], level: Int32, windowBits: Int32) -> [UInt8] {
        Gzip.encode(data, level: level, windowBits: windowBits) ?? []
    }
}
