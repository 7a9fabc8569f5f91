// BertPreTokenizer, as tokenizers v0.23.3 tokenizers/src/pre_tokenizers/bert.rs
// (https://github.com/huggingface/tokenizers/blob/v0.23.3/tokenizers/src/pre_tokenizers/bert.rs).

/// BERT's pre-tokenizer: split on whitespace (removed), then isolate every punctuation character.
public struct BertPreTokenizer: PreTokenizer {
    public init() {}

    public func preTokenize(_ text: inout PreTokenizedString) {
        text.split { _, piece in piece.split(piece.matches(where: BertCharacterClasses.isRustWhitespace), behavior: .removed) }
        text.split { _, piece in piece.split(piece.matches(where: BertCharacterClasses.isPunctuation), behavior: .isolated) }
    }
}
