// tokenizers v0.23.3 tokenizers/src/decoders/sequence.rs: each decoder's chain feeds the next.

/// tokenizer.json decoder `"type": "Sequence"`.
package struct SequenceDecoder: TokenDecoder {
    package let decoders: [any TokenDecoder]

    package init(_ decoders: [any TokenDecoder]) { self.decoders = decoders }

    init(_ config: StageConfig) throws(TokenizerError) {
        var stages: [any TokenDecoder] = []
        for child in try config.array("decoders") { stages.append(try StageFactory.decoder(child)) }
        self.init(stages)
    }

    package func decodeChain(_ tokens: [String]) -> [String] {
        decoders.reduce(tokens) { chain, decoder in decoder.decodeChain(chain) }
    }
}
