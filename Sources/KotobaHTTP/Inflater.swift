import CZlib

/// Inflates a gzip or deflate request body as its bytes arrive, refusing output past a limit, so a
/// decompression bomb costs at most the limit in memory whatever its ratio.
///
/// A class because zlib's state points back at its `z_stream`, which therefore must never move.
final class Inflater {
    /// Why inflation stopped.
    enum Failure: Error, Equatable {
        case corrupt(String)
        case tooLarge
    }

    private let coding: ContentCoding
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var initialized = false
    /// The first bytes of a deflate body, held until two are in hand to tell zlib-wrapped from raw.
    private var pending: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    /// The stream reached its end marker (and checksum).
    private(set) var isFinished = false

    init(coding: ContentCoding) {
        self.coding = coding
        stream.initialize(to: z_stream())
    }

    deinit {
        if initialized { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates `input`, appending to `output`; throws once `output` would pass `limit` bytes.
    func feed(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], limit: Int) throws(Failure) {
        guard !input.isEmpty else { return }
        if !initialized {
            if coding == .deflate && pending.count + input.count < 2 {
                pending.append(contentsOf: input)
                return
            }
            let start = pending + Array(input.prefix(max(0, 2 - pending.count)))
            try begin(firstBytes: start)
            if !pending.isEmpty {
                let held = pending
                pending = []
                try held.withUnsafeBufferPointer { (bytes) throws(Failure) in try inflate(bytes, into: &output, limit: limit) }
            }
        }
        try inflate(input, into: &output, limit: limit)
    }

    /// Call when the body has ended: a stream cut short is corrupt.
    func finish() throws(Failure) {
        guard isFinished else { throw .corrupt("the compressed body ends before its end marker") }
    }

    private func begin(firstBytes: [UInt8]) throws(Failure) {
        let windowBits: Int32
        switch coding {
        case .gzip:
            windowBits = 16 + 15
        case .deflate:
            // RFC 1950 §2.2: CM = 8 in the low nibble and (CMF * 256 + FLG) a multiple of 31.
            let looksWrapped = firstBytes.count >= 2 && firstBytes[0] & 0x0F == 8
                && (Int(firstBytes[0]) * 256 + Int(firstBytes[1])) % 31 == 0
            windowBits = looksWrapped ? 15 : -15
        case .identity:
            windowBits = 15
        }
        guard kotoba_inflate_init(stream, windowBits) == Z_OK else { throw .corrupt("zlib could not start") }
        initialized = true
    }

    private func inflate(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], limit: Int) throws(Failure) {
        guard let base = input.baseAddress else { return }
        var offset = 0
        while offset < input.count {
            if isFinished {
                // Concatenated gzip members (RFC 1952 §2.2) form one body; anything else after the end is not ours.
                guard coding == .gzip, input[offset] == 0x1F else {
                    throw .corrupt("data after the end of the compressed stream")
                }
                inflateReset(stream)
                isFinished = false
            }
            let consumed = try inflateStep(UnsafeBufferPointer(start: base + offset, count: input.count - offset),
                                           into: &output, limit: limit)
            offset += consumed
        }
    }

    /// Runs zlib until it needs more input or the stream ends; returns the input bytes it took.
    private func inflateStep(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8],
                             limit: Int) throws(Failure) -> Int {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.pointee.avail_in = UInt32(input.count)
        let capacity = scratch.count
        while true {
            let status = scratch.withUnsafeMutableBufferPointer { out -> Int32 in
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = UInt32(capacity)
                return CZlib.inflate(stream, Z_NO_FLUSH)
            }
            let produced = capacity - Int(stream.pointee.avail_out)
            if produced > 0 {
                guard produced <= limit - output.count else { throw .tooLarge }
                output.append(contentsOf: scratch[..<produced])
            }
            switch status {
            case Z_STREAM_END:
                isFinished = true
                return input.count - Int(stream.pointee.avail_in)
            case Z_OK:
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { return input.count }
            case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                return input.count
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw .corrupt(message)
            }
        }
    }
}

/// gzip for response bodies.
package enum Gzip {
    /// The gzip (RFC 1952) form of `bytes`; level 1, as nginx's default, since a JSON body shrinks most of
    /// the way at the cheapest level and the CPU is better spent on models.
    package static func compress(_ bytes: [UInt8], level: Int32 = 1) -> [UInt8]? {
        encode(bytes, level: level, windowBits: 16 + 15)
    }

    /// `bytes` deflated in zlib's `windowBits` framing: 16 + 15 gzip, 15 zlib, -15 raw deflate. zlib keeps a
    /// pointer back to its stream, so the stream lives in allocated memory that never moves.
    static func encode(_ bytes: [UInt8], level: Int32, windowBits: Int32) -> [UInt8]? {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        guard kotoba_deflate_init(stream, level, windowBits) == Z_OK else { return nil }
        defer { deflateEnd(stream) }
        let bound = Int(deflateBound(stream, UInt(bytes.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out -> Int32 in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.pointee.avail_in = UInt32(input.count)
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = UInt32(out.count)
                return deflate(stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeLast(Int(stream.pointee.avail_out))
        return output
    }
}
