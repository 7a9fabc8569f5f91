/// The `decoder` stage: turns tokens back into text (tokenizers/src/decoders/). Implementations are one file
/// per tokenizer.json `type` in this folder, registered in `StageFactory.decoder(_:)`.
package protocol TokenDecoder: Sendable {
    /// `Decoder::decode_chain`: the per-token strings whose concatenation is the text; `Sequence` chains these.
    func decodeChain(_ tokens: [String]) -> [String]
}

extension TokenDecoder {
    /// `Decoder::decode`: the chain, joined.
    package func decode(_ tokens: [String]) -> String {
        decodeChain(tokens).joined()
    }
}
