import COpenSSL

// libcrypto's SHA-256, already linked for TLS: it uses the CPU's SHA extensions where there are any, and
// digesting every model's weights at start-up (and each presented API key) is on the path to /readyz.

/// SHA-256 of a byte buffer, as lowercase hex (what `sha256sum` and the Hugging Face hub print).
enum SHA256 {
    /// The 32-byte digest.
    static func digest(of bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let empty: UInt8 = 0
        // EVP_Digest cannot fail for SHA-256 on memory it is given; a null base (an empty buffer) is passed as a
        // valid pointer with length 0.
        _ = withUnsafePointer(to: empty) { fallback in
            EVP_Digest(bytes.baseAddress ?? UnsafeRawPointer(fallback), bytes.count, &out, &length, EVP_sha256(), nil)
        }
        return out
    }

    static func hex(of bytes: UnsafeRawBufferPointer) -> String {
        hex(digest: digest(of: bytes))
    }

    /// Lowercase hex of a digest.
    static func hex(digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(digest.count * 2)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(of bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hex(of: $0) }
    }

    static func digest(of bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { digest(of: $0) }
    }
}
