// tokenizers v0.23.3 tokenizers/src/pre_tokenizers/whitespace.rs (WhitespaceSplit): split on `char::is_whitespace`
// (White_Space), removing it.

/// tokenizer.json `"type": "WhitespaceSplit"`.
package struct WhitespaceSplit: PreTokenizer {
    package init() {}

    package func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        text.split { _, piece in piece.split(piece.matches(where: \.properties.isWhitespace), behavior: .removed) }
    }
}
