/// Turns received bytes into request events; knows nothing of sockets, so it is tested on plain arrays.
///
/// One request at a time: after `.head` the caller keeps calling `next` until `.body`, then the parser is
/// ready for the next pipelined request in the same buffer. After `.error` the connection must close,
/// because the framing of whatever follows can no longer be trusted.
struct RequestParser {
    /// What the parser found in the buffered bytes.
    enum Event {
        /// More bytes are needed before anything can be said.
        case needMoreData
        /// A complete, validated head; the body (if any) follows.
        case head(RequestHead)
        /// The complete body of the current request (de-chunked) and its trailers.
        case body([UInt8], trailers: HTTPHeaders)
        /// The bytes break a rule; answer `error.status` and close.
        case error(HTTPParseError)
    }

    private enum State {
        /// Looking for the end of a head; `scan` remembers progress so trickled bytes are not rescanned.
        case head(HeadScan)
        /// Reading a Content-Length body.
        case fixedBody(remaining: Int)
        /// Decoding a chunked body.
        case chunkedBody(ChunkedBodyDecoder)
        /// After an error nothing more is parsed.
        case failed
    }

    let limits: HTTPServerConfiguration.Limits
    private var state: State = .head(HeadScan())
    private var body: [UInt8] = []
    /// For a compressed body: the inflater, the wire bytes received so far, and how many it has taken.
    private var inflater: Inflater?
    private var wireBody: [UInt8] = []
    private var inflatedUpTo = 0
    /// Wire bytes consumed for the current request so far (head and body).
    private(set) var requestBytes = 0
    /// Method and path of the current request once its request line parsed, for records of refused requests.
    private(set) var partialMethod: HTTPMethod?
    private(set) var partialPath: String?

    init(limits: HTTPServerConfiguration.Limits) {
        self.limits = limits
    }

    /// True while a request has begun (bytes seen) but not finished.
    var isMidRequest: Bool {
        switch state {
        case let .head(scan): return scan.scanned > 0
        case .fixedBody, .chunkedBody: return true
        case .failed: return false
        }
    }

    mutating func next(_ buffer: inout ByteBuffer) -> Event {
        switch state {
        case .failed:
            return .needMoreData
        case var .head(scan):
            if scan.scanned == 0 && !skipLeadingEmptyLines(&buffer) { return .needMoreData }
            let outcome = buffer.withReadable { scan.advance(over: $0, limits: limits) }
            switch outcome {
            case .needMoreData:
                state = .head(scan)
                return .needMoreData
            case let .error(error):
                return fail(error)
            case let .complete(headLength):
                let parsed = buffer.withReadable { bytes in
                    HeadParser.parse(UnsafeBufferPointer(rebasing: bytes[..<headLength]),
                                     requestLineEnd: scan.requestLineEnd, limits: limits)
                }
                buffer.consume(headLength)
                requestBytes = headLength
                partialMethod = parsed.method
                partialPath = parsed.path
                switch parsed.result {
                case let .failure(error):
                    return fail(error)
                case let .success(head):
                    beginBody(head.framing, coding: head.contentCoding)
                    return .head(head)
                }
            }
        case var .fixedBody(remaining):
            let take = min(remaining, buffer.readableCount)
            if take > 0 {
                if inflater == nil {
                    buffer.withReadable { body.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<take])) }
                } else {
                    buffer.withReadable { wireBody.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<take])) }
                }
                buffer.consume(take)
                requestBytes += take
                remaining -= take
                if let error = inflateReceived() { return fail(error) }
            }
            if remaining > 0 {
                state = .fixedBody(remaining: remaining)
                return .needMoreData
            }
            return finishBody(trailers: HTTPHeaders())
        case var .chunkedBody(decoder):
            let (consumed, outcome) = inflater == nil ? buffer.withReadable { decoder.decode($0, into: &body) }
                                                      : buffer.withReadable { decoder.decode($0, into: &wireBody) }
            buffer.consume(consumed)
            requestBytes += consumed
            if let error = inflateReceived() { return fail(error) }
            switch outcome {
            case .needMoreData:
                state = .chunkedBody(decoder)
                return .needMoreData
            case let .error(error):
                return fail(error)
            case .complete:
                return finishBody(trailers: decoder.trailers)
            }
        }
    }

    private mutating func beginBody(_ framing: BodyFraming, coding: ContentCoding) {
        body = []
        wireBody = []
        inflatedUpTo = 0
        inflater = coding == .identity || !framing.hasBody ? nil : Inflater(coding: coding)
        switch framing {
        case .none:
            state = .fixedBody(remaining: 0)
        case let .length(length):
            if inflater == nil { body.reserveCapacity(length) } else { wireBody.reserveCapacity(length) }
            state = .fixedBody(remaining: length)
        case .chunked:
            state = .chunkedBody(ChunkedBodyDecoder(limits: limits))
        }
    }

    /// Inflates the wire bytes that arrived since the last call (the wire limit already held them to
    /// `maxBodyBytes`); the inflated body is held to the same limit.
    private mutating func inflateReceived() -> HTTPParseError? {
        guard let inflater, inflatedUpTo < wireBody.count else { return nil }
        let start = inflatedUpTo
        inflatedUpTo = wireBody.count
        let limit = limits.maxBodyBytes
        do {
            try wireBody.withUnsafeBufferPointer { (wire) throws(Inflater.Failure) in
                try inflater.feed(UnsafeBufferPointer(rebasing: wire[start...]), into: &body, limit: limit)
            }
        } catch {
            switch error {
            case .tooLarge: return .inflatedBodyTooLarge(limit: limit)
            case let .corrupt(why): return .corruptBody(why)
            }
        }
        return nil
    }

    private mutating func finishBody(trailers: HTTPHeaders) -> Event {
        if let inflater {
            do { try inflater.finish() } catch {
                if case let .corrupt(why) = error { return fail(.corruptBody(why)) }
            }
            self.inflater = nil
            wireBody = []
        }
        let complete = body
        body = []
        state = .head(HeadScan())
        return .body(complete, trailers: trailers)
    }

    /// Call after `.body` once the request's record is taken, so the next request counts from zero.
    mutating func resetRequestCounters() {
        requestBytes = 0
        partialMethod = nil
        partialPath = nil
    }

    private mutating func fail(_ error: HTTPParseError) -> Event {
        state = .failed
        return .error(error)
    }

    /// RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line
    /// (clients sometimes send a stray CRLF after a POST body).
    /// Returns false while the buffer holds only a lone CR that may yet become an empty line.
    private mutating func skipLeadingEmptyLines(_ buffer: inout ByteBuffer) -> Bool {
        while true {
            let prefix = buffer.withReadable { bytes -> (count: Int, emptyLine: Bool, loneCR: Bool) in
                (bytes.count, bytes.count >= 2 && bytes[0] == ASCII.cr && bytes[1] == ASCII.lf,
                 bytes.count == 1 && bytes[0] == ASCII.cr)
            }
            if prefix.loneCR { return false }
            guard prefix.emptyLine else { return true }
            buffer.consume(2)
        }
    }
}

/// Incremental search for the end of a head, enforcing size and count limits as bytes arrive.
struct HeadScan {
    enum Outcome {
        case needMoreData
        case complete(headLength: Int)
        case error(HTTPParseError)
    }

    /// Bytes already examined (relative to the start of the head).
    private(set) var scanned = 0
    private var lineStart = 0
    /// Index of the LF ending the request line, once seen.
    private(set) var requestLineEnd: Int?
    private var fieldCount = 0

    mutating func advance(over bytes: UnsafeBufferPointer<UInt8>,
                          limits: HTTPServerConfiguration.Limits) -> Outcome {
        var index = scanned
        while index < bytes.count {
            guard bytes[index] == ASCII.lf else {
                index += 1
                continue
            }
            // The size limits first: bytes arriving in pieces meet them before this LF does (at the end of
            // the scan below), so the verdict must not depend on where TCP cut the stream.
            if let end = requestLineEnd {
                if index - end - 1 > limits.maxHeaderBytes { return .error(.headersTooLarge(limit: limits.maxHeaderBytes)) }
            } else if index > limits.maxURILength + 32 {
                return .error(.uriTooLong(limit: limits.maxURILength))
            }
            guard index > 0, bytes[index - 1] == ASCII.cr else { return .error(.bareLineFeed) }
            if requestLineEnd == nil {
                requestLineEnd = index
            } else if index - 1 == lineStart {
                return .complete(headLength: index + 1)
            } else {
                fieldCount += 1
                if fieldCount > limits.maxHeaderCount { return .error(.tooManyHeaders(limit: limits.maxHeaderCount)) }
            }
            lineStart = index + 1
            index += 1
            if let end = requestLineEnd, index - end - 1 > limits.maxHeaderBytes {
                return .error(.headersTooLarge(limit: limits.maxHeaderBytes))
            }
        }
        scanned = index
        if let end = requestLineEnd {
            if scanned - end - 1 > limits.maxHeaderBytes { return .error(.headersTooLarge(limit: limits.maxHeaderBytes)) }
        } else if scanned > limits.maxURILength + 32 {
            // The request line alone is past any valid method + target + version.
            return .error(.uriTooLong(limit: limits.maxURILength))
        }
        return .needMoreData
    }
}
