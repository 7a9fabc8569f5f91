// Mirrors `TokenizerImpl::encode`, `encode_single_sequence`, `post_process` and `decode` at tokenizers v0.23.3
// (tokenizers/src/tokenizer/mod.rs), and `PreTokenizedString::into_encoding` (pre_tokenizer.rs).

extension Tokenizer {
    /// Encodes `text` (and `pair`) as `tokenizers`' `Tokenizer.encode` does, with character offsets.
    package func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool = true,
                       truncation: Truncation? = nil) throws(TokenizerError) -> Encoding {
        var first = try encodeSequence(text, typeId: 0, sequenceId: 0)
        var second = try pair.map { (p) throws(TokenizerError) in try encodeSequence(p, typeId: 1, sequenceId: 1) }
        let added = addSpecialTokens ? postProcessor?.addedTokens(isPair: second != nil) ?? 0 : 0
        let lengthBefore = first.count + (second?.count ?? 0) + added
        // tokenizers computes `max_length - added` in unsigned arithmetic; below `added` it wraps to a huge
        // budget, so nothing is truncated. Kotoba reproduces that rather than inventing an error.
        if let truncation, truncation.maxLength >= added {
            try truncation.apply(budget: truncation.maxLength - added, &first, &second)
        }
        var result: Encoding
        if let postProcessor {
            result = try postProcessor.process(first, second, addSpecialTokens: addSpecialTokens)
        } else {
            result = first
            if let second { result.append(second) }
        }
        if truncation != nil {
            result.truncation = TruncationReport(originalLength: lengthBefore, removedTokens: lengthBefore - result.count)
        }
        return result
    }

    /// Encodes each input (with its pair, when `pairs` is given) and pads the batch (`encode_batch`).
    package func encodeBatch(_ texts: [String], pairs: [String]? = nil, addSpecialTokens: Bool = true,
                            truncation: Truncation? = nil, padding: Padding? = nil) throws(TokenizerError) -> [Encoding] {
        if let pairs, pairs.count != texts.count {
            throw .invalidConfiguration(stage: "encodeBatch", reason: "\(texts.count) texts but \(pairs.count) pairs")
        }
        var encodings: [Encoding] = []
        encodings.reserveCapacity(texts.count)
        for (i, text) in texts.enumerated() {
            encodings.append(try encode(text, pair: pairs?[i], addSpecialTokens: addSpecialTokens, truncation: truncation))
        }
        padding?.apply(to: &encodings)
        return encodings
    }

    /// One sequence through added tokens, normalizer, pre-tokenizer and model (`encode_single_sequence`).
    func encodeSequence(_ text: String, typeId: Int, sequenceId: Int) throws(TokenizerError) -> Encoding {
        var words = try addedVocabulary.extractAndNormalize(Array(text.unicodeScalars), normalizer: normalizer)
        try preTokenizer?.preTokenize(&words)
        try words.tokenize(with: model)
        var encoding = Encoding()
        for (wordIndex, split) in words.splits.enumerated() {
            for token in split.tokens ?? [] {
                encoding.ids.append(token.id)
                encoding.tokens.append(token.value)
                encoding.offsets.append(split.normalized.originalOffsets(of: token.offsets))
                encoding.wordIds.append(wordIndex)
            }
        }
        let n = encoding.ids.count
        encoding.typeIds = Array(repeating: typeId, count: n)
        encoding.sequenceIds = Array(repeating: sequenceId, count: n)
        encoding.attentionMask = Array(repeating: 1, count: n)
        encoding.specialTokensMask = Array(repeating: 0, count: n)
        return encoding
    }

    /// `Tokenizer::decode`: ids to tokens (unknown ids are skipped, special tokens too when asked), through the
    /// decoder (or joined by spaces without one), then transformers' `clean_up_tokenization` when configured.
    package func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String {
        let tokens = ids.compactMap { id -> String? in
            guard let token = token(forId: id) else { return nil }
            return skipSpecialTokens && addedVocabulary.isSpecial(token) ? nil : token
        }
        let text = decoder?.decode(tokens) ?? tokens.joined(separator: " ")
        return cleanUpTokenizationSpaces ? Self.cleanUpTokenization(text) : text
    }

    /// transformers' `PreTrainedTokenizerBase.clean_up_tokenization`.
    static func cleanUpTokenization(_ text: String) -> String {
        var s = text
        for (from, to) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                           (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
            s = s.replacingScalars(from, with: to)
        }
        return s
    }
}

extension String {
    /// Python / Rust `str.replace`: replaces non-overlapping occurrences left to right, comparing scalars
    /// (Swift's `replacingOccurrences` compares by canonical equivalence and grapheme boundaries).
    func replacingScalars(_ target: String, with replacement: String) -> String {
        let source = Array(unicodeScalars)
        let pattern = Array(target.unicodeScalars)
        guard !pattern.isEmpty, source.count >= pattern.count else { return self }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < source.count {
            if i + pattern.count <= source.count, source[i] == pattern[0],
               source[i..<(i + pattern.count)].elementsEqual(pattern) {
                out.append(contentsOf: replacement.unicodeScalars)
                i += pattern.count
            } else {
                out.append(source[i])
                i += 1
            }
        }
        return String(out)
    }
}
