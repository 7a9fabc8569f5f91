// Mirrors tokenizers/src/tokenizer/added_vocabulary.rs (AddedVocabulary) at tokenizers v0.23.3
// (https://github.com/huggingface/tokenizers/blob/v0.23.3/tokenizers/src/tokenizer/added_vocabulary.rs).
// `tokenizers` finds added tokens with a leftmost-longest Aho-Corasick automaton over bytes; patterns are whole
// UTF-8 strings, so byte matches fall on scalar boundaries and a leftmost-longest walk over scalars finds the same.

/// Added and special tokens: their ids, and the splitting of raw text around them before normalization.
package struct AddedVocabulary: Sendable {
    package private(set) var tokens: [(id: Int, token: AddedToken)] = []
    private var contentToId: [ScalarKey: Int] = [:]
    private var idToToken: [Int: AddedToken] = [:]
    private var specialContents: Set<ScalarKey> = []
    /// Tokens matched on the original text (`normalized: false`) and on the normalized text.
    private var rawTrie = ScalarTrie()
    private var normalizedTrie = ScalarTrie()
    private var hasRaw = false
    private var hasNormalized = false

    /// `encode_special_tokens` (transformers' `split_special_tokens`): special tokens in the text are not matched,
    /// so they are normalized and split like any other text.
    package var encodeSpecialTokens = false

    package init() {}

    /// Adds tokens as `AddedVocabulary::add_tokens` does: a token already in the model keeps the model's id,
    /// others get the next id past the vocabulary. Normalized tokens are matched in normalized form.
    mutating func add(_ newTokens: [AddedToken], model: any TokenizerModel, normalizer: (any Normalizer)?) throws(TokenizerError) {
        for token in newTokens where token.special && !token.content.isEmpty {
            specialContents.insert(ScalarKey(token.content))
        }
        for token in newTokens {
            if token.content.isEmpty || idToToken.values.contains(token) { continue }
            let key = ScalarKey(token.content)
            let newId: Int
            if let existing = contentToId[key] ?? model.id(forToken: token.content) {
                newId = existing
            } else if let maxAdded = contentToId.values.max() {
                let size = model.vocabularySize
                newId = maxAdded >= size || size == 0 ? maxAdded + 1 : size
            } else {
                newId = model.vocabularySize
            }
            if let previous = contentToId[key], previous != newId { idToToken[previous] = nil }
            contentToId[key] = newId
            idToToken[newId] = token
            tokens.removeAll { $0.token.content.unicodeScalars.elementsEqual(token.content.unicodeScalars) }
            tokens.append((newId, token))
        }
        try refreshTries(normalizer: normalizer)
    }

    private mutating func refreshTries(normalizer: (any Normalizer)?) throws(TokenizerError) {
        rawTrie = ScalarTrie()
        normalizedTrie = ScalarTrie()
        hasRaw = false
        hasNormalized = false
        for (id, token) in tokens {
            if token.normalized {
                let pattern = try normalizer?.normalize(string: token.content) ?? Array(token.content.unicodeScalars)
                guard !pattern.isEmpty else { continue }
                normalizedTrie.insert(pattern, value: id)
                hasNormalized = true
            } else {
                rawTrie.insert(token.content.unicodeScalars, value: id)
                hasRaw = true
            }
        }
    }

    package func id(forToken content: String) -> Int? { contentToId[ScalarKey(content)] }
    package func token(forId id: Int) -> String? { idToToken[id]?.content }
    package func isSpecial(_ content: String) -> Bool { specialContents.contains(ScalarKey(content)) }
    package var count: Int { contentToId.count }

    /// Splits `input` around added tokens, normalizing the pieces between them
    /// (`AddedVocabulary::extract_and_normalize`).
    func extractAndNormalize(_ input: [Unicode.Scalar], normalizer: (any Normalizer)?) throws(TokenizerError) -> PreTokenizedString {
        var text = PreTokenizedString(input)
        if hasRaw {
            text.splitWithTokens { _, piece in split(piece, trie: rawTrie) }
        }
        try text.splitWithTokens { (_, piece) throws(TokenizerError) in
            var piece = piece
            try normalizer?.normalize(&piece)
            return hasNormalized ? split(piece, trie: normalizedTrie) : [(piece, nil)]
        }
        return text
    }

    /// `split_with_indices`: the pieces of `text` between matches, and each match as a one-token piece whose
    /// value is the matched text (including whitespace taken by lstrip/rstrip).
    private func split(_ text: NormalizedString, trie: ScalarTrie) -> [(NormalizedString, [Token]?)] {
        findMatches(text.scalars, trie: trie).map { id, range in
            let piece = text.slice(range)
            guard let id else { return (piece, nil) }
            return (piece, [Token(id: id, value: piece.string, offsets: 0..<piece.count)])
        }
    }

    /// `find_matches`: non-overlapping leftmost-longest matches, filtered by `single_word`, widened by
    /// `lstrip`/`rstrip`, with the gaps between them.
    private func findMatches(_ s: [Unicode.Scalar], trie: ScalarTrie) -> [(Int?, Range<Int>)] {
        if s.isEmpty { return [(nil, 0..<0)] }
        var result: [(Int?, Range<Int>)] = []
        var startOffset = 0
        var i = 0
        while i < s.count {
            guard let (matchEnd, id) = trie.longestPrefix(of: s, from: i, to: s.count) else {
                i += 1
                continue
            }
            var start = i
            var stop = matchEnd
            i = matchEnd
            guard let token = idToToken[id] else { continue }
            if encodeSpecialTokens, specialContents.contains(ScalarKey(token.content)) { continue }
            if token.singleWord {
                let startSpace = start == 0 || !Self.isWordCharacter(s[start - 1])
                let stopSpace = stop == s.count || !Self.isWordCharacter(s[stop])
                if !startSpace || !stopSpace { continue }
            }
            if token.lstrip {
                var newStart = start
                while newStart > 0, s[newStart - 1].properties.isWhitespace { newStart -= 1 }
                start = max(newStart, startOffset)
            }
            if token.rstrip {
                while stop < s.count, s[stop].properties.isWhitespace { stop += 1 }
            }
            if startOffset < start { result.append((nil, startOffset..<start)) }
            result.append((id, start..<stop))
            startOffset = stop
        }
        if startOffset != s.count { result.append((nil, startOffset..<s.count)) }
        return result
    }

    /// Rust regex `\w` (Unicode): Alphabetic, marks, decimal digits, connector punctuation, Join_Control.
    static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
        let p = c.properties
        if p.isAlphabetic || p.isJoinControl { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }
}
