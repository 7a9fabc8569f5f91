// WordPiece, as tokenizers v0.23.3 tokenizers/src/models/wordpiece/mod.rs
// (https://github.com/huggingface/tokenizers/blob/v0.23.3/tokenizers/src/models/wordpiece/mod.rs);
// Wu et al. 2016, "Google's Neural Machine Translation System", §4.1 (greedy longest-match-first).
// `tokenizers` tries ever shorter substrings `[start, end)` and looks each up in a hash map; the first hit is the
// longest vocabulary entry starting at `start`, which a walk down a trie finds in one pass (continuations walk
// on from the node reached by `continuing_subword_prefix`, the same key `prefix + substring`).

/// Greedy longest-match-first subword model over a fixed vocabulary.
package struct WordPiece: TokenizerModel {
    package let unkToken: String
    package let continuingSubwordPrefix: String
    /// Words longer than this (in scalars) become one unknown token.
    package let maxInputCharsPerWord: Int
    private let vocabulary: ScalarTrie
    private let tokensById: [Int: String]
    private let prefixNode: Int32?
    private let unkId: Int?
    package let vocabularySize: Int
    package let idLimit: Int

    /// A model over `vocabulary` (token → id pairs; a repeated token keeps its last id, like a Rust HashMap).
    package init(vocabulary: [(String, Int)], unkToken: String = "[UNK]", continuingSubwordPrefix: String = "##",
                maxInputCharsPerWord: Int = 100) {
        var trie = ScalarTrie()
        var byToken: [ScalarKey: Int] = [:]
        for (token, id) in vocabulary {
            trie.insert(token.unicodeScalars, value: id)
            byToken[ScalarKey(token)] = id
        }
        var byId: [Int: String] = [:]
        for (token, id) in vocabulary where byToken[ScalarKey(token)] == id { byId[id] = token }
        self.vocabulary = trie
        self.tokensById = byId
        self.vocabularySize = byToken.count
        self.idLimit = (byToken.values.max() ?? -1) + 1
        self.unkToken = unkToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
        self.prefixNode = trie.node(after: continuingSubwordPrefix.unicodeScalars)
        self.unkId = trie.value(for: unkToken.unicodeScalars)
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        var entries: [(String, Int)] = []
        for (token, value) in try config.object("vocab") {
            guard let id = value.intValue, id >= 0 else {
                throw .invalidConfiguration(stage: "model WordPiece", reason: "vocab entry \"\(token)\" has no integer id")
            }
            entries.append((token, id))
        }
        self.init(vocabulary: entries, unkToken: try config.optionalString("unk_token") ?? "[UNK]",
                  continuingSubwordPrefix: try config.optionalString("continuing_subword_prefix") ?? "##",
                  maxInputCharsPerWord: try config.optionalInt("max_input_chars_per_word") ?? 100)
    }

    package func id(forToken token: String) -> Int? { vocabulary.value(for: token.unicodeScalars) }
    package func token(forId id: Int) -> String? { tokensById[id] }

    package func tokenize(_ word: [Unicode.Scalar]) throws(TokenizerError) -> [Token] {
        if word.count > maxInputCharsPerWord { return [try unknown(word.count)] }
        var tokens: [Token] = []
        var start = 0
        while start < word.count {
            let match = start == 0
                ? vocabulary.longestPrefix(of: word, from: 0, to: word.count)
                : prefixNode.flatMap { vocabulary.longestPrefix(after: $0, of: word, from: start, to: word.count) }
            guard let (end, id) = match else { return [try unknown(word.count)] }
            // The token text is the vocabulary entry the walk matched (`prefix + piece` for continuations),
            // so its stored string is reused rather than rebuilt.
            guard let value = tokensById[id] else { return [try unknown(word.count)] }
            tokens.append(Token(id: id, value: value, offsets: start..<end))
            start = end
        }
        return tokens
    }

    /// The whole word as `unk_token`; `tokenizers` fails with `MissingUnkToken` when it is not in the vocabulary.
    private func unknown(_ length: Int) throws(TokenizerError) -> Token {
        guard let unkId else { throw .missingToken(stage: "model WordPiece", token: unkToken) }
        return Token(id: unkId, value: unkToken, offsets: 0..<length)
    }
}
