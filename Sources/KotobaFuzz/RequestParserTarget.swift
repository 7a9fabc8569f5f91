@testable import KotobaHTTP

/// The request parser (head scan, head parser, Content-Length, chunked and compressed bodies, pipelining)
/// on a byte stream, whole and cut into pieces.
///
/// Rules: it reaches a verdict for every input (requests, a refusal with a 4xx/5xx status, or a wait for
/// more) with bounded work per read; and the events are the same however the bytes are cut, because TCP
/// may deliver them in any pieces.
enum RequestParserTarget {
    /// Small limits so the limit paths are reached by short inputs.
    static let limits = HTTPServerConfiguration.Limits(maxURILength: 256, maxHeaderBytes: 1024,
                                                         maxHeaderCount: 16, maxBodyBytes: 4096)

    static let target = FuzzTarget(
        name: "request-parser",
        summary: "RequestParser fed whole and split: a verdict for every input, the same events for any split"
    ) { bytes throws(InvariantFailure) in
        let whole = try events(bytes, pieces: [0..<bytes.count])
        var splits = ByteSplits(bytes)
        let split = try events(bytes, pieces: splits.pieces(count: bytes.count))
        try expect(whole == split, "events differ when split:\n whole: \(whole)\n split: \(split)")
    }

    /// The parser's events for `bytes` delivered in `pieces`, stopping at the first error.
    static func events(_ bytes: [UInt8], pieces: [Range<Int>]) throws(InvariantFailure) -> [String] {
        var parser = RequestParser(limits: limits)
        var buffer = ByteBuffer()
        var events: [String] = []
        for piece in pieces {
            buffer.append(Array(bytes[piece]))
            var steps = 0
            reading: while true {
                steps += 1
                // Each call either consumes bytes or changes state; a few per request is the most.
                try expect(steps < 4 * bytes.count + 16, "no progress after \(steps) calls: \(events)")
                switch parser.next(&buffer) {
                case .needMoreData:
                    break reading
                case let .head(head):
                    try expect(head.byteCount <= bytes.count, "head of \(head.byteCount) bytes from \(bytes.count)")
                    events.append(describe(head))
                case let .body(body, trailers):
                    try expect(body.count <= limits.maxBodyBytes, "body of \(body.count) bytes passed the limit")
                    events.append("body \(body.count) \(checksum(body)) trailers \(trailers.count)")
                    parser.resetRequestCounters()
                case let .error(error):
                    let status = error.status.code
                    try expect((400..<600).contains(status) && status != 500, "\(error) answers \(status)")
                    events.append("error \(error)")
                    return events
                }
            }
        }
        return events
    }

    static func describe(_ head: RequestHead) -> String {
        "head \(head.method) \(head.target) \(head.version) \(head.framing) keepAlive=\(head.keepAlive) "
            + "continue=\(head.expectsContinue) coding=\(head.contentCoding) bytes=\(head.byteCount) "
            + "fields=\(Array(head.headers).count)"
    }

    /// FNV-1a, enough to tell bodies apart in an event list.
    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
}
