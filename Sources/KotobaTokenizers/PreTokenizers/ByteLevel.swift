// GPT-2's byte-level pre-tokenizer.
// Radford et al., "Language Models are Unsupervised Multitask Learners", 2019, section 2.2.
// Reference: tokenizers v0.23.3 tokenizers/src/pre_tokenizers/byte_level.rs (bytes_char, ByteLevel::pre_tokenize).
// The GPT-2 regex `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` is matched by
// hand (Oniguruma's leftmost-first alternation; \s is White_Space, \p{L} / \p{N} general categories).

/// tokenizer.json pre-tokenizer `"type": "ByteLevel"`: optional prefix space, GPT-2 split, bytes → visible chars.
package struct ByteLevel: PreTokenizer {
    package let addPrefixSpace: Bool
    package let useRegex: Bool

    package init(addPrefixSpace: Bool = true, useRegex: Bool = true) {
        self.addPrefixSpace = addPrefixSpace
        self.useRegex = useRegex
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        self.init(addPrefixSpace: try config.bool("add_prefix_space", default: true),
                  useRegex: try config.bool("use_regex", default: true))
    }

    /// `bytes_char`: printable Latin-1 bytes map to themselves, the other 68 to U+0100 onwards, in byte order.
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte) {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(next) ?? " "
                next += 1
            }
        }
        return table
    }()

    /// The inverse of `byteToScalar`, for the decoder.
    static let scalarToByte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in byteToScalar.enumerated() { map[scalar.value] = UInt8(byte) }
        return map
    }()

    package func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        text.split { _, piece in
            var piece = piece
            if addPrefixSpace && piece.scalars.first != " " { piece.prepend([" "]) }
            guard useRegex else { return [piece] }
            return piece.split(Self.gpt2Matches(piece.scalars), behavior: .isolated)
        }
        text.normalize { piece in
            // Each UTF-8 byte becomes one visible scalar; a character's later bytes are insertions (+1).
            var changes: [(Unicode.Scalar, Int)] = []
            changes.reserveCapacity(piece.count * 2)
            for scalar in piece.scalars {
                for (k, byte) in String(scalar).utf8.enumerated() {
                    changes.append((Self.byteToScalar[Int(byte)], k > 0 ? 1 : 0))
                }
            }
            piece.transform(changes)
        }
    }
}
