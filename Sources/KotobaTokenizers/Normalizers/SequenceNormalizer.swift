// tokenizers v0.23.3 tokenizers/src/normalizers/utils.rs (Sequence).

/// tokenizer.json normalizer `"type": "Sequence"`: each normalizer in turn.
package struct NormalizerSequence: Normalizer {
    package let normalizers: [any Normalizer]

    package init(_ normalizers: [any Normalizer]) { self.normalizers = normalizers }

    init(_ config: StageConfig) throws(TokenizerError) {
        var stages: [any Normalizer] = []
        for child in try config.array("normalizers") { stages.append(try StageFactory.normalizer(child)) }
        self.init(stages)
    }

    package func normalize(_ text: inout NormalizedString) throws(TokenizerError) {
        for normalizer in normalizers { try normalizer.normalize(&text) }
    }
}
