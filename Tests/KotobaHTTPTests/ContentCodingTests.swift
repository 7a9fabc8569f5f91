import Foundation
import Testing
@testable import KotobaHTTP

/// Compressed request bodies through RequestParser: inflated as they arrive, held to the body limit.
@Suite struct ContentCodingTests {
    static let json = Array(#"{"text": "a dog runs in the park"}"#.utf8)
    // Made by Python: gzip.compress(json, mtime=0), zlib.compress(json), and raw deflate (wbits=-15).
    static let gzipped = bytes("H4sIAAAAAAACA6tWKkmtKFGyUlBKVEjJT1coKs0rVsjMUyjJSFUoSCzKVqoFAC4/0KgiAAAA")
    static let zlibWrapped = bytes("eJyrVipJrShRslJQSlRIyU9XKCrNK1bIzFMoyUhVKEgsylaqBQDC0gtp")
    static let rawDeflate = bytes("q1YqSa0oUbJSUEpUSMlPVygqzStWyMxTKMlIVShILMpWqgUA")

    static func bytes(_ base64: String) -> [UInt8] { Array(Data(base64Encoded: base64)!) }

    private func request(_ body: [UInt8], encoding: String, chunked: Bool = false) -> [UInt8] {
        if chunked {
            let half = body.count / 2
            var wire = Array("POST /p HTTP/1.1\r\nHost: h\r\nContent-Encoding: \(encoding)\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            for part in [body[..<half], body[half...]] {
                wire += Array("\(String(part.count, radix: 16))\r\n".utf8) + part + Array("\r\n".utf8)
            }
            return wire + Array("0\r\n\r\n".utf8)
        }
        return Array("POST /p HTTP/1.1\r\nHost: h\r\nContent-Encoding: \(encoding)\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    /// Parses `wire`, delivered `step` bytes at a time; returns the head, the body, or the error.
    private func parse(_ wire: [UInt8], step: Int = .max, limit: Int = 1024 * 1024)
        -> (head: RequestHead?, body: [UInt8]?, error: HTTPParseError?) {
        var limits = HTTPServerConfiguration.Limits()
        limits.maxBodyBytes = limit
        var parser = RequestParser(limits: limits)
        var buffer = ByteBuffer()
        var head: RequestHead?
        var offset = 0
        while offset < wire.count {
            let end = min(wire.count, offset + min(step, wire.count))
            wire[offset..<end].withUnsafeBytes { buffer.append($0) }
            offset = end
            while true {
                switch parser.next(&buffer) {
                case .needMoreData: break
                case let .head(parsed): head = parsed; continue
                case let .body(body, _): return (head, body, nil)
                case let .error(error): return (head, nil, error)
                }
                break
            }
        }
        return (head, nil, nil)
    }

    @Test func gzipBodiesArriveInflatedWithoutTheirEncodingHeader() throws {
        let parsed = parse(request(Self.gzipped, encoding: "gzip"))
        #expect(parsed.body == Self.json)
        #expect(parsed.head?.headers["Content-Encoding"] == nil)
        #expect(parse(request(Self.gzipped, encoding: "x-gzip")).body == Self.json)
        #expect(parse(request(Self.gzipped, encoding: "GZIP, identity")).body == Self.json)
    }

    @Test func bodiesInflateWhetherTheyArriveAtOnceByteByByteOrChunked() {
        for step in [1, 3, 7, 64] {
            #expect(parse(request(Self.gzipped, encoding: "gzip"), step: step).body == Self.json, "step \(step)")
            #expect(parse(request(Self.rawDeflate, encoding: "deflate"), step: step).body == Self.json, "step \(step)")
        }
        #expect(parse(request(Self.gzipped, encoding: "gzip", chunked: true), step: 5).body == Self.json)
    }

    @Test func deflateTakesZlibWrappedAndRawStreams() {
        #expect(parse(request(Self.zlibWrapped, encoding: "deflate")).body == Self.json)
        #expect(parse(request(Self.rawDeflate, encoding: "deflate")).body == Self.json)
    }

    @Test func concatenatedGzipMembersAreOneBody() {
        #expect(parse(request(Self.gzipped + Self.gzipped, encoding: "gzip")).body == Self.json + Self.json)
    }

    @Test func ourGzipRoundTripsThroughTheInflater() throws {
        let text = Array(String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 500).utf8)
        let compressed = try #require(Gzip.compress(text))
        #expect(compressed.count < text.count / 10)
        #expect(compressed.prefix(2) == [0x1F, 0x8B])
        #expect(parse(request(compressed, encoding: "gzip"), step: 1000).body == text)
        #expect(try #require(Gzip.compress([])).count > 0)
    }

    @Test func aBombStopsAtTheBodyLimit() throws {
        // 64 MiB of zeros is about 64 KiB of gzip: under the wire limit, a thousand times the inflated one.
        let bomb = try #require(Gzip.compress([UInt8](repeating: 0, count: 64 * 1024 * 1024), level: 9))
        #expect(bomb.count < 1024 * 1024)
        #expect(parse(request(bomb, encoding: "gzip"), step: 4096).error == .inflatedBodyTooLarge(limit: 1024 * 1024))
        #expect(HTTPParseError.inflatedBodyTooLarge(limit: 1).status == .payloadTooLarge)
        // Exactly at the limit is allowed.
        let exact = try #require(Gzip.compress([UInt8](repeating: 0x61, count: 4096)))
        #expect(parse(request(exact, encoding: "gzip"), limit: 4096).body?.count == 4096)
        #expect(parse(request(exact, encoding: "gzip"), limit: 4095).error == .inflatedBodyTooLarge(limit: 4095))
    }

    @Test func corruptAndTruncatedStreamsAre400() {
        var corrupt = Self.gzipped
        corrupt[12] ^= 0xFF
        corrupt[13] ^= 0xFF
        guard case .corruptBody? = parse(request(corrupt, encoding: "gzip")).error else {
            Issue.record("a corrupt gzip body parsed")
            return
        }
        guard case .corruptBody? = parse(request(Array(Self.gzipped.dropLast(6)), encoding: "gzip")).error else {
            Issue.record("a truncated gzip body parsed")
            return
        }
        guard case .corruptBody? = parse(request(Self.json, encoding: "gzip")).error else {
            Issue.record("plain JSON labelled gzip parsed")
            return
        }
        guard case .corruptBody? = parse(request(Self.gzipped + [0x41], encoding: "gzip")).error else {
            Issue.record("trailing bytes after the gzip stream were accepted")
            return
        }
        #expect(HTTPParseError.corruptBody("x").status == .badRequest)
        #expect(HTTPParseError.corruptBody("x").errorType == "malformed_body")
    }

    @Test func unknownOrStackedEncodingsAre415() {
        #expect(parse(request(Self.json, encoding: "br")).error == .unsupportedContentEncoding("br"))
        #expect(parse(request(Self.gzipped, encoding: "gzip, gzip")).error == .unsupportedContentEncoding("gzip, gzip"))
        #expect(HTTPParseError.unsupportedContentEncoding("br").status.code == 415)
        #expect(parse(request(Self.json, encoding: "identity")).body == Self.json)
    }
}

@Suite struct AcceptEncodingTests {
    @Test func gzipNeedsANonZeroWeightByNameOrWildcard() {
        #expect(AcceptEncoding.allowsGzip("gzip"))
        #expect(AcceptEncoding.allowsGzip("deflate, gzip;q=0.5, br"))
        #expect(AcceptEncoding.allowsGzip("X-GZIP"))
        #expect(AcceptEncoding.allowsGzip("*"))
        #expect(AcceptEncoding.allowsGzip("br, *;q=0.1"))
        #expect(!AcceptEncoding.allowsGzip(nil))
        #expect(!AcceptEncoding.allowsGzip(""))
        #expect(!AcceptEncoding.allowsGzip("identity"))
        #expect(!AcceptEncoding.allowsGzip("gzip;q=0"))
        #expect(!AcceptEncoding.allowsGzip("gzip;q=0, *"))
        #expect(!AcceptEncoding.allowsGzip("*;q=0"))
        #expect(!AcceptEncoding.allowsGzip("br, deflate"))
        #expect(!AcceptEncoding.allowsGzip("gzip;q=abc"))
        #expect(!AcceptEncoding.allowsGzip("gzip;q=2"))
    }
}
