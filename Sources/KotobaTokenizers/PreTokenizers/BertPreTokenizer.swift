// BertPreTokenizer, as tokenizers v0.23.3 tokenizers/src/pre_tokenizers/bert.rs
// (https://github.com/huggingface/tokenizers/blob/v0.23.3/tokenizers/src/pre_tokenizers/bert.rs).

/// BERT's pre-tokenizer: split on whitespace (removed), then isolate every punctuation character.
package struct BertPreTokenizer: PreTokenizer {
    package init() {}

    /// One pass giving what tokenizers' two splits give: runs between whitespace and punctuation, and each
    /// punctuation character alone; whitespace dropped (the split index is not used by these pieces).
    package func preTokenize(_ text: inout PreTokenizedString) {
        text.split { _, piece in
            var pieces: [NormalizedString] = []
            var start = 0
            for (i, c) in piece.scalars.enumerated() {
                let isSpace = BertCharacterClasses.isRustWhitespace(c)
                guard isSpace || BertCharacterClasses.isPunctuation(c) else { continue }
                if start < i { pieces.append(piece.slice(start..<i)) }
                if !isSpace { pieces.append(piece.slice(i..<(i + 1))) }
                start = i + 1
            }
            if start < piece.count { pieces.append(piece.slice(start..<piece.count)) }
            return pieces
        }
    }
}
