/// The `pre_tokenizer` stage: cuts the normalized text into words (tokenizers/src/pre_tokenizers/).
/// Implementations are one file per tokenizer.json `type` in this folder, registered in
/// `StageFactory.preTokenizer(_:)`; most call `text.split { _, piece in piece.split(..., behavior:) }`.
package protocol PreTokenizer: Sendable {
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError)
}
