// tokenizers v0.23.3 tokenizers/src/pre_tokenizers/sequence.rs.

/// tokenizer.json pre-tokenizer `"type": "Sequence"`: each pre-tokenizer in turn.
package struct PreTokenizerSequence: PreTokenizer {
    package let preTokenizers: [any PreTokenizer]

    package init(_ preTokenizers: [any PreTokenizer]) { self.preTokenizers = preTokenizers }

    init(_ config: StageConfig) throws(TokenizerError) {
        var stages: [any PreTokenizer] = []
        for child in try config.array("pretokenizers") { stages.append(try StageFactory.preTokenizer(child)) }
        self.init(stages)
    }

    package func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        for stage in preTokenizers { try stage.preTokenize(&text) }
    }
}
