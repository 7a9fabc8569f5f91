import Foundation

/// A cursor over a word2vec file's bytes, with errors that say where the file went wrong.
struct Word2VecReader {
    let bytes: [UInt8]
    let path: String
    private var offset = 0
    private var line = 1

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    private func failure(_ reason: String) -> ModelError { .invalidFile(path: path, reason: reason) }

    /// The next run of bytes up to (not including) `terminator`, or to the end; the terminator is consumed.
    private mutating func field(until terminators: Set<UInt8>) -> ArraySlice<UInt8> {
        let start = offset
        while offset < bytes.count && !terminators.contains(bytes[offset]) { offset += 1 }
        let slice = bytes[start..<offset]
        if offset < bytes.count { offset += 1 }
        return slice
    }

    /// "<words> <dimensions>\n", both positive.
    mutating func header() throws(ModelError) -> (count: Int, dimensions: Int) {
        let text = String(decoding: field(until: [0x0A]), as: UTF8.self)
        line = 2
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let count = Int(parts[0]), let dimensions = Int(parts[1].trimmingCharacters(in: .whitespaces)),
              count > 0, dimensions > 0, dimensions <= 100_000 else {
            throw failure("line 1: the header must be \"<words> <dimensions>\" with both positive, found \"\(text.prefix(80))\"")
        }
        return (count, dimensions)
    }

    /// "<word> <v1> … <vD>\n".
    mutating func textRecord(dimensions: Int, into values: inout ContiguousArray<Float>, index: Int,
                             count: Int) throws(ModelError) -> (word: String, place: String) {
        guard offset < bytes.count else {
            throw failure("the file ends after \(index) of the \(count) words its header announces")
        }
        let place = "line \(line)"
        let raw = field(until: [0x0A])
        line += 1
        guard let text = String(validating: raw, as: UTF8.self) else { throw failure("\(place): not UTF-8") }
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == dimensions + 1 else {
            throw failure("\(place): \(max(0, parts.count - 1)) values, the header says \(dimensions)")
        }
        for part in parts.dropFirst() {
            guard let value = Float(part.trimmingCharacters(in: .whitespacesAndNewlines)), value.isFinite else {
                throw failure("\(place): \"\(part)\" is not a finite number")
            }
            values.append(value)
        }
        return (String(parts[0]), place)
    }

    /// "<word> " then `dimensions` little-endian float32, then an optional "\n".
    mutating func binaryRecord(dimensions: Int, into values: inout ContiguousArray<Float>, index: Int,
                               count: Int) throws(ModelError) -> (word: String, place: String) {
        while offset < bytes.count && bytes[offset] == 0x0A { offset += 1 }
        guard offset < bytes.count else {
            throw failure("the file ends after \(index) of the \(count) words its header announces")
        }
        let place = "byte \(offset) (entry \(index + 1))"
        let raw = field(until: [0x20])
        guard !raw.isEmpty, let word = String(validating: raw, as: UTF8.self) else {
            throw failure("\(place): the word is empty or not UTF-8")
        }
        let width = dimensions * 4
        guard offset + width <= bytes.count else {
            throw failure("\(place): \"\(word)\" has \((bytes.count - offset) / 4) of its \(dimensions) values")
        }
        for i in 0..<dimensions {
            let at = offset + i * 4
            let bits = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
            let value = Float(bitPattern: bits)
            guard value.isFinite else { throw failure("\(place): value \(i) of \"\(word)\" is not finite") }
            values.append(value)
        }
        offset += width
        return (word, place)
    }

    /// Nothing but blank lines after the last word: more entries than the header says is a mismatch.
    mutating func expectEnd(count: Int) throws(ModelError) {
        while offset < bytes.count && (bytes[offset] == 0x0A || bytes[offset] == 0x0D || bytes[offset] == 0x20) {
            offset += 1
        }
        guard offset == bytes.count else {
            throw failure("byte \(offset): data after the \(count) words the header announces")
        }
    }
}
