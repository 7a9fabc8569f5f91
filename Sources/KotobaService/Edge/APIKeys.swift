import Foundation

/// The keys `auth.api_keys_file` lists, held only as SHA-256 digests, so neither memory dumps nor logs carry
/// a key and a file may list digests (`sha256:<hex>`) instead of secrets.
struct APIKeys: Sendable, Equatable {
    /// One accepted key: its digest and the non-secret id logs and metrics show.
    struct Entry: Sendable, Equatable {
        let digest: [UInt8]
        /// The first 12 hex digits of the digest: enough to tell clients apart, useless for guessing a key.
        var id: String { String(SHA256.hex(digest: digest).prefix(12)) }
    }

    /// Why a keys file cannot be used.
    struct LoadError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "auth.api_keys_file \"\(path)\": \(reason)" }
    }

    let entries: [Entry]

    /// Reads the file: one key per line, or `sha256:` and 64 hex digits; blank lines and `#` comments are
    /// skipped, surrounding spaces trimmed. A file with no key is refused: it would lock every client out.
    static func load(path: String) throws(LoadError) -> APIKeys {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw LoadError(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws(LoadError) -> APIKeys {
        var entries: [Entry] = []
        // "\r\n" is one Character, so CRLF files split like LF ones.
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("sha256:") {
                guard let digest = hexBytes(line.dropFirst("sha256:".count)), digest.count == 32 else {
                    throw LoadError(path: path, reason: "line \(index + 1): sha256: must be followed by 64 hex digits")
                }
                entries.append(Entry(digest: digest))
            } else {
                guard line.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                    throw LoadError(path: path, reason: "line \(index + 1): a key is printable ASCII without spaces")
                }
                entries.append(Entry(digest: SHA256.digest(of: Array(line.utf8))))
            }
        }
        guard !entries.isEmpty else { throw LoadError(path: path, reason: "lists no key") }
        return APIKeys(entries: entries)
    }

    /// The id of the entry `presented` matches, or nil. Every entry is compared in full whatever the outcome,
    /// so the time taken says nothing about how close a guess came or which key it resembled.
    func identify(_ presented: String) -> String? {
        let digest = SHA256.digest(of: Array(presented.utf8))
        var match: Entry?
        for entry in entries {
            var difference: UInt8 = 0
            for (a, b) in zip(entry.digest, digest) { difference |= a ^ b }
            if difference == 0 { match = entry }
        }
        return match?.id
    }

    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for pair in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexValue(digits[pair]), let low = hexValue(digits[pair + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
