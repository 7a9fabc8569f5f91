// tokenizers v0.23.3 tokenizers/src/pre_tokenizers/sequence.rs.

/// tokenizer.json pre-tokenizer `"type": "Sequence"`: each pre-tokenizer in turn.
public struct PreTokenizerSequence: PreTokenizer {
    public let preTokenizers: [any PreTokenizer]

    public init(_ preTokenizers: [any PreTokenizer]) { self.preTokenizers = preTokenizers }

    init(_ config: StageConfig) throws(TokenizerError) {
        var stages: [any PreTokenizer] = []
        for child in try config.array("pretokenizers") { stages.append(try StageFactory.preTokenizer(child)) }
        self.init(stages)
    }

    public func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        for stage in preTokenizers { try stage.preTokenize(&text) }
    }
}
