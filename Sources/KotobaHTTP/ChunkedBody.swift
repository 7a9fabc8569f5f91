/// Decodes a chunked body (RFC 9112 §7.1) incrementally, enforcing the body and trailer limits.
struct ChunkedBodyDecoder {
    enum Outcome {
        case needMoreData
        case complete
        case error(HTTPParseError)
    }

    private enum State {
        /// Expecting `chunk-size [chunk-ext] CRLF`.
        case size
        /// Copying chunk data.
        case data(remaining: Int)
        /// Expecting the CRLF after chunk data.
        case dataEnd
        /// Reading trailer fields after the last chunk, up to the empty line.
        case trailers
        case done
    }

    /// A size line longer than this is refused; it leaves room for reasonable extensions.
    static let maxSizeLineLength = 1024
    /// 16 hex digits already exceed any body we accept; more is an overflow attempt.
    static let maxSizeDigits = 16

    let limits: HTTPServerConfiguration.Limits
    private var state: State = .size
    private var trailerBytes = 0
    private(set) var trailers = HTTPHeaders()

    init(limits: HTTPServerConfiguration.Limits) {
        self.limits = limits
    }

    /// Consumes what it can from `bytes`, appending chunk data to `body`; returns bytes consumed.
    mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, into body: inout [UInt8]) -> (Int, Outcome) {
        var index = 0
        while true {
            switch state {
            case .done:
                return (index, .complete)
            case .size:
                guard let lf = findLineEnd(bytes, from: index) else {
                    if bytes.count - index > Self.maxSizeLineLength { return (index, .error(.invalidChunkSize)) }
                    return (index, .needMoreData)
                }
                if lf - index > Self.maxSizeLineLength { return (index, .error(.invalidChunkSize)) }
                guard lf > index, bytes[lf - 1] == ASCII.cr else { return (index, .error(.bareLineFeed)) }
                let line = UnsafeBufferPointer(rebasing: bytes[index..<(lf - 1)])
                let size: Int
                switch Self.parseSizeLine(line) {
                case let .failure(error): return (index, .error(error))
                case let .success(parsed): size = parsed
                }
                index = lf + 1
                if size == 0 {
                    state = .trailers
                } else {
                    // Refused at the size line: the oversized chunk's data is never read.
                    if size > limits.maxBodyBytes - body.count { return (index, .error(.bodyTooLarge(limit: limits.maxBodyBytes))) }
                    state = .data(remaining: size)
                }
            case let .data(remaining):
                let take = min(remaining, bytes.count - index)
                guard take > 0 else { return (index, .needMoreData) }
                body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<(index + take)]))
                index += take
                state = remaining == take ? .dataEnd : .data(remaining: remaining - take)
            case .dataEnd:
                guard bytes.count - index >= 2 else {
                    if bytes.count - index == 1 && bytes[index] != ASCII.cr { return (index, .error(.missingChunkTerminator)) }
                    return (index, .needMoreData)
                }
                guard bytes[index] == ASCII.cr, bytes[index + 1] == ASCII.lf else { return (index, .error(.missingChunkTerminator)) }
                index += 2
                state = .size
            case .trailers:
                guard let lf = findLineEnd(bytes, from: index) else {
                    if trailerBytes + bytes.count - index > limits.maxHeaderBytes {
                        return (index, .error(.trailersTooLarge(limit: limits.maxHeaderBytes)))
                    }
                    return (index, .needMoreData)
                }
                // The size limit before the line's syntax, as when the line arrives in pieces and meets the
                // limit above before its LF: the verdict must not depend on where TCP cut the stream.
                if trailerBytes + lf - index > limits.maxHeaderBytes {
                    return (index, .error(.trailersTooLarge(limit: limits.maxHeaderBytes)))
                }
                guard lf > index, bytes[lf - 1] == ASCII.cr else { return (index, .error(.bareLineFeed)) }
                trailerBytes += lf + 1 - index
                if trailerBytes > limits.maxHeaderBytes { return (index, .error(.trailersTooLarge(limit: limits.maxHeaderBytes))) }
                let line = UnsafeBufferPointer(rebasing: bytes[index..<(lf - 1)])
                index = lf + 1
                if line.isEmpty {
                    state = .done
                    continue
                }
                if let error = parseTrailer(line) { return (index, .error(error)) }
                if trailers.count > limits.maxHeaderCount { return (index, .error(.tooManyHeaders(limit: limits.maxHeaderCount))) }
            }
        }
    }

    private func findLineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == ASCII.lf { return index }
            index += 1
        }
        return nil
    }

    /// chunk-size = 1*HEXDIG, then optional `BWS ";" …` extensions, which are checked for characters and ignored.
    static func parseSizeLine(_ line: UnsafeBufferPointer<UInt8>) -> Result<Int, HTTPParseError> {
        var index = 0
        var size = 0
        while index < line.count, let digit = ASCII.hexValue(line[index]) {
            if index >= maxSizeDigits { return .failure(.chunkSizeOverflow) }
            size = size << 4 | digit
            index += 1
        }
        guard index > 0 else { return .failure(.invalidChunkSize) }
        if size < 0 { return .failure(.chunkSizeOverflow) }
        guard index < line.count else { return .success(size) }
        var rest = index
        while rest < line.count, ASCII.isWhitespace(line[rest]) { rest += 1 }
        guard rest < line.count, line[rest] == ASCII.semicolon else { return .failure(.invalidChunkSize) }
        for byte in line[rest...] where !ASCII.isFieldValue(byte) {
            return .failure(.invalidChunkExtension)
        }
        return .success(size)
    }

    /// Trailer fields follow field syntax; they are kept apart from the head's headers (RFC 9110 §6.5).
    private mutating func parseTrailer(_ line: UnsafeBufferPointer<UInt8>) -> HTTPParseError? {
        if ASCII.isWhitespace(line[0]) { return .obsoleteLineFolding }
        guard let colon = line.firstIndex(of: ASCII.colon), colon > 0 else { return .invalidTrailer }
        let name = UnsafeBufferPointer(rebasing: line[..<colon])
        guard name.allSatisfy(ASCII.isToken) else { return .invalidTrailer }
        var start = colon + 1
        var end = line.count
        while start < end, ASCII.isWhitespace(line[start]) { start += 1 }
        while end > start, ASCII.isWhitespace(line[end - 1]) { end -= 1 }
        let value = UnsafeBufferPointer(rebasing: line[start..<end])
        guard value.allSatisfy(ASCII.isFieldValue) else { return .invalidTrailer }
        trailers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        return nil
    }
}
