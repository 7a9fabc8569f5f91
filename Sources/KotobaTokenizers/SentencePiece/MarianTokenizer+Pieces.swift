// The token-level steps of MarianTokenizer: special-token splitting, language codes, id mapping, decoding.
// Reference: transformers v5.24.0 tokenization_marian.py (_tokenize, remove_language_code,
// _convert_token_to_id, _convert_id_to_token, convert_tokens_to_string).

extension MarianTokenizer {
    func encode(_ text: String, with model: SentencePieceTokenizer) -> [Int] {
        var ids: [Int] = []
        for chunk in splitOnSpecialTokens(text) {
            switch chunk {
            case let .special(token): ids.append(vocabulary[token] ?? unknownID)
            case let .text(text):
                let (code, rest) = Self.removeLanguageCode(text)
                if let code { ids.append(vocabulary[code] ?? unknownID) }
                // vocab.json ids are not SentencePiece ids, so a piece missing from it is <unk>.
                for piece in model.encodePieces(rest) { ids.append(vocabulary[piece.piece] ?? unknownID) }
            }
        }
        return ids
    }

    private enum Chunk {
        case special(String)
        case text(String)
    }

    /// The slow tokenizer's trie split: leftmost special token first, longest at the same start; empty text
    /// between two specials is dropped, as `tokenize` drops empty chunks.
    private func splitOnSpecialTokens(_ text: String) -> [Chunk] {
        var chunks: [Chunk] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            var best: (Range<Substring.Index>, String)?
            for token in specialTokens {
                guard let range = rest.range(of: token) else { continue }
                if let current = best, current.0.lowerBound < range.lowerBound
                    || (current.0.lowerBound == range.lowerBound && current.1.utf8.count >= token.utf8.count) { continue }
                best = (range, token)
            }
            guard let (range, token) = best else { break }
            if range.lowerBound > rest.startIndex { chunks.append(.text(String(rest[..<range.lowerBound]))) }
            chunks.append(.special(token))
            rest = rest[range.upperBound...]
        }
        if !rest.isEmpty || chunks.isEmpty { chunks.append(.text(String(rest))) }
        return chunks
    }

    /// `remove_language_code`: a leading `>>xx<<` is kept as its own token.
    static func removeLanguageCode(_ text: String) -> (String?, String) {
        guard text.hasPrefix(">>"), let end = text.range(of: "<<") else { return (nil, text) }
        return (String(text[..<end.upperBound]), String(text[end.upperBound...]))
    }

    func decode(_ ids: [Int], with model: SentencePieceTokenizer, skipSpecialTokens: Bool) -> String {
        var output = ""
        var pieces: [String] = []
        for id in ids {
            // `_convert_id_to_token`: vocab.json first, then the SentencePiece model's own id, else <unk>.
            let token = pieceOfID[id] ?? model.piece(of: id) ?? "<unk>"
            if specialTokens.contains(token) {
                if skipSpecialTokens { continue }
                output += model.decode(pieces: pieces) + token + " "
                pieces.removeAll()
            } else {
                pieces.append(token)
            }
        }
        output += model.decode(pieces: pieces)
        return Self.pythonStrip(output.replacingOccurrences(of: "\u{2581}", with: " "))
    }

    /// Python's `str.strip()`: removes leading and trailing scalars for which `str.isspace()` is true.
    static func pythonStrip(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isPythonSpace($0) }),
              let last = scalars.lastIndex(where: { !isPythonSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }

    /// `str.isspace()`: bidirectional class WS, B or S, or general category Zs.
    static func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default: false
        }
    }
}
