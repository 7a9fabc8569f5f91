import Synchronization
@testable import KotobaTokenizers

/// `Tokenizer.encode` of arbitrary text (invalid UTF-8 repaired, as a request body's text would be) for one
/// tokenizer.json per model type, alone and as a pair split at a point taken from the input.
///
/// Rules: `EncodingRules` for every input; and for byte-level BPE, whose every byte has a token, decoding
/// gives back the normalized text (with the prefix space its pre-tokenizer adds) exactly.
enum TokenizerEncodeTargets {
    static let wordPiece = target("wordpiece", file: "Tests/KotobaTokenizersTests/Fixtures/wordpiece/bertproc/tokenizer.json",
                                  summary: "WordPiece (BERT normalizer and pre-tokenizer) encode: ids, offsets, pairs")
    static let unigram = target("unigram", file: "Tests/KotobaTokenizersTests/Fixtures/seq2seq/unigram.json",
                                summary: "Unigram (NFKC, Metaspace) encode: ids, offsets, pairs")
    static let bpe = target("bpe", file: "Tests/KotobaTokenizersTests/Fixtures/seq2seq/bytelevel_bpe.json",
                            summary: "byte-level BPE encode: ids, offsets, pairs; decode(encode(x)) == \" \" + NFC(x)",
                            roundTrip: byteLevelRoundTrip)

    static func target(_ name: String, file: String, summary: String,
                       roundTrip: (@Sendable (Tokenizer, String) throws(InvariantFailure) -> Void)? = nil) -> FuzzTarget {
        let loaded = LazyTokenizer(file)
        return FuzzTarget(name: name, summary: summary) { bytes throws(InvariantFailure) in
            let tokenizer: Tokenizer
            switch loaded.value {
            case let .success(value): tokenizer = value
            case let .failure(error): throw InvariantFailure(description: "\(file) does not load: \(error)")
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let single: Encoding
            do { single = try tokenizer.encode(text) } catch {
                // Refusing an input is allowed (and reported to the client); crashing is not.
                return
            }
            try EncodingRules.check(single, of: tokenizer, texts: [text])
            try roundTrip?(tokenizer, text)
            var splits = ByteSplits(bytes, salt: 4)
            let cut = splits.below(bytes.count + 1)
            let first = String(decoding: bytes[..<cut], as: UTF8.self)
            let second = String(decoding: bytes[cut...], as: UTF8.self)
            if let pair = try? tokenizer.encode(first, pair: second) {
                try EncodingRules.check(pair, of: tokenizer, texts: [first, second])
            }
        }
    }

    /// The byte-level round trip: the pre-tokenizer adds a space before text not starting with one, every
    /// byte maps to a token and back, so only the normalizer (NFC here) changes the text. Added tokens
    /// split the text (each piece gets its own prefix space), so inputs holding one are left out.
    @Sendable static func byteLevelRoundTrip(_ tokenizer: Tokenizer, _ text: String) throws(InvariantFailure) {
        // Searched as bytes: `String.contains` matches graphemes, and "<|endoftext|>" followed by a combining
        // mark is not a match for it, though the tokenizer (rightly) finds the added token there.
        guard Array(text.utf8).firstRange(of: Array("<|endoftext|>".utf8)) == nil, let normalizer = tokenizer.normalizer,
              let encoding = try? tokenizer.encode(text, addSpecialTokens: false),
              let scalars = try? normalizer.normalize(string: text) else { return }
        var expected = String(String.UnicodeScalarView(scalars))
        // By scalar: `hasPrefix(" ")` compares graphemes, and a space followed by a combining mark is one.
        if let first = scalars.first, first != " " { expected = " " + expected }
        let decoded = tokenizer.decode(encoding.ids, skipSpecialTokens: false)
        try expect(decoded.unicodeScalars.elementsEqual(expected.unicodeScalars),
                   "decode(encode(x)) is \(decoded.debugDescription), expected \(expected.debugDescription)")
    }
}

/// A tokenizer loaded on first use, once per process: a fuzz process checks millions of inputs against it.
final class LazyTokenizer: Sendable {
    private let file: String
    private let storage = Mutex<Result<Tokenizer, TokenizerError>?>(nil)

    init(_ file: String) { self.file = file }

    var value: Result<Tokenizer, TokenizerError> {
        storage.withLock { cached in
            if let cached { return cached }
            let loaded = Result { () throws(TokenizerError) in try Tokenizer.load(tokenizerJSON: Fixtures.path(file)) }
            cached = loaded
            return loaded
        }
    }
}
