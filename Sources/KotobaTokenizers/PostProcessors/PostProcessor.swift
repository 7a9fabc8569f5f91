/// The `post_processor` stage: joins the encodings of a sequence (and its pair) and adds special tokens
/// (tokenizers/src/processors/). Implementations are one file per tokenizer.json `type` in this folder,
/// registered in `StageFactory.postProcessor(_:)`.
package protocol PostProcessor: Sendable {
    /// How many special tokens `process` adds (`PostProcessor::added_tokens`); truncation reserves room for them.
    func addedTokens(isPair: Bool) -> Int
    /// The final encoding of `first` (and `second`); with `addSpecialTokens` false, only type ids may change.
    func process(_ first: Encoding, _ second: Encoding?, addSpecialTokens: Bool) throws(TokenizerError) -> Encoding
}
