@testable import KotobaHTTP

/// The chunked-body decoder. An input whose first byte is even is data: it is chunk-encoded (sizes,
/// extensions and trailers chosen from the input) and must decode back exactly, whatever the cuts.
/// Otherwise the bytes are a wire body as sent: the decoder must finish, ask for more or refuse, within
/// the body limit, and decide the same for any cuts.
enum ChunkedBodyTarget {
    static let target = FuzzTarget(
        name: "chunked-body",
        summary: "ChunkedBodyDecoder: encode(data) decodes to data; garbage gets the same verdict however cut"
    ) { bytes throws(InvariantFailure) in
        guard let mode = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        var splits = ByteSplits(bytes, salt: 2)
        if mode % 2 == 0 {
            let wire = encode(rest, using: &splits)
            let decoded = try decode(wire, pieces: splits.pieces(count: wire.count),
                                     limits: HTTPServerConfiguration.Limits(maxBodyBytes: 1 << 20))
            try expect(decoded.verdict == "complete", "a valid encoding got \(decoded.verdict): \(wire)")
            try expect(decoded.body == rest, "decoded \(decoded.body.count) bytes, sent \(rest.count)")
            try expect(decoded.consumed == wire.count, "consumed \(decoded.consumed) of \(wire.count)")
        } else {
            let limits = HTTPServerConfiguration.Limits(maxHeaderBytes: 256, maxHeaderCount: 4, maxBodyBytes: 512)
            let whole = try decode(rest, pieces: [0..<rest.count], limits: limits)
            let split = try decode(rest, pieces: splits.pieces(count: rest.count), limits: limits)
            try expect(whole.verdict == split.verdict, "whole: \(whole.verdict), split: \(split.verdict)")
            if whole.verdict == "complete" {
                try expect(whole.body == split.body && whole.consumed == split.consumed, "complete bodies differ")
            }
        }
    }

    struct Decoded {
        var verdict: String
        var body: [UInt8]
        var consumed: Int
    }

    /// Feeds `pieces` of `wire` as the request parser does: unconsumed bytes stay buffered for the next call.
    static func decode(_ wire: [UInt8], pieces: [Range<Int>],
                       limits: HTTPServerConfiguration.Limits) throws(InvariantFailure) -> Decoded {
        var decoder = ChunkedBodyDecoder(limits: limits)
        var buffered: [UInt8] = []
        var body: [UInt8] = []
        var consumed = 0
        for piece in pieces.isEmpty ? [0..<0] : pieces {
            buffered += wire[piece]
            let (used, outcome) = buffered.withUnsafeBufferPointer { decoder.decode($0, into: &body) }
            try expect(used >= 0 && used <= buffered.count, "consumed \(used) of \(buffered.count) bytes")
            try expect(body.count <= limits.maxBodyBytes, "body of \(body.count) bytes passed the limit")
            buffered.removeFirst(used)
            consumed += used
            switch outcome {
            case .needMoreData: continue
            case .complete: return Decoded(verdict: "complete", body: body, consumed: consumed)
            case let .error(error): return Decoded(verdict: "error \(error.status.code)", body: body, consumed: consumed)
            }
        }
        return Decoded(verdict: "needMoreData", body: body, consumed: consumed)
    }

    /// A valid chunked encoding of `data` (RFC 9112 §7.1) with the liberties the grammar allows.
    static func encode(_ data: [UInt8], using splits: inout ByteSplits) -> [UInt8] {
        var wire: [UInt8] = []
        var start = 0
        while start < data.count {
            let size = min(data.count - start, 1 + splits.below(300))
            var hex = String(size, radix: 16, uppercase: splits.below(2) == 0)
            if splits.below(4) == 0 { hex = "00" + hex }
            wire += Array(hex.utf8)
            if splits.below(4) == 0 { wire += Array(" ;name=\"value\"".utf8) }
            wire += [0x0D, 0x0A] + data[start..<(start + size)] + [0x0D, 0x0A]
            start += size
        }
        wire += Array("0\r\n".utf8)
        if splits.below(3) == 0 { wire += Array("Checksum: abc\r\n".utf8) }
        wire += [0x0D, 0x0A]
        return wire
    }
}
