// The token-level steps of MarianTokenizer: special-token splitting, language codes, id mapping, decoding.
// Reference: transformers v5.24.0 tokenization_marian.py (_tokenize, remove_language_code,
// _convert_token_to_id, _convert_id_to_token, convert_tokens_to_string).

extension MarianTokenizer {
    func encode(_ text: String, with model: SentencePieceTokenizer) -> [Int] {
        var ids: [Int] = []
        for chunk in splitOnSpecialTokens(Array(text.unicodeScalars)) {
            switch chunk {
            case let .special(token): ids.append(pieceIDs[ScalarKey(token)] ?? unknownID)
            case let .text(text):
                let (code, rest) = Self.removeLanguageCode(text)
                if let code { ids.append(id(forPiece: code) ?? unknownID) }
                // vocab.json ids are not SentencePiece ids, so a piece missing from it is <unk>.
                for piece in model.encodePieces(rest) { ids.append(id(forPiece: piece.piece) ?? unknownID) }
            }
        }
        return ids
    }

    private enum Chunk {
        case special(String)
        case text(String)
    }

    /// The slow tokenizer's trie split over scalars: the leftmost special token, the longest at one start; the
    /// text between them is kept unless empty, as `tokenize` drops empty chunks.
    private func splitOnSpecialTokens(_ scalars: [Unicode.Scalar]) -> [Chunk] {
        func string(_ slice: ArraySlice<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(slice)) }
        var chunks: [Chunk] = []
        var textStart = 0
        var i = 0
        while i < scalars.count {
            var longest: [Unicode.Scalar]?
            for token in specialTokens where token.count > (longest?.count ?? 0) && i + token.count <= scalars.count
                && scalars[i..<(i + token.count)].elementsEqual(token) {
                longest = token
            }
            guard let token = longest else {
                i += 1
                continue
            }
            if textStart < i { chunks.append(.text(string(scalars[textStart..<i]))) }
            chunks.append(.special(string(token[...])))
            i += token.count
            textStart = i
        }
        if textStart < scalars.count || chunks.isEmpty { chunks.append(.text(string(scalars[textStart...]))) }
        return chunks
    }

    /// `remove_language_code`: a leading `>>xx<<` is kept as its own token.
    static func removeLanguageCode(_ text: String) -> (String?, String) {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 2, scalars[0] == ">", scalars[1] == ">" else { return (nil, text) }
        // Python's text.find("<<"), from the start (so ">><<" ends the code at index 2).
        guard let end = scalars.indices.dropLast().first(where: { scalars[$0] == "<" && scalars[$0 + 1] == "<" }) else {
            return (nil, text)
        }
        func string(_ slice: ArraySlice<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(slice)) }
        return (string(scalars[..<(end + 2)]), string(scalars[(end + 2)...]))
    }

    func decode(_ ids: [Int], with model: SentencePieceTokenizer, skipSpecialTokens: Bool) -> String {
        var output = ""
        var pieces: [String] = []
        for id in ids {
            // `_convert_id_to_token`: vocab.json first, then the SentencePiece model's own id, else <unk>.
            let token = pieceOfID[id] ?? model.piece(of: id) ?? "<unk>"
            if specialTokens.contains(where: { $0.elementsEqual(token.unicodeScalars) }) {
                if skipSpecialTokens { continue }
                output += model.decode(pieces: pieces) + token + " "
                pieces.removeAll()
            } else {
                pieces.append(token)
            }
        }
        output += model.decode(pieces: pieces)
        return Self.pythonStrip(output.replacingScalars("\u{2581}", with: " "))
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
