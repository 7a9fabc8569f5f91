import Foundation
@testable import KotobaModels

/// The tiny Marian checkpoint and the transformers 5.24.0 references that training/fixtures/marian.py writes.
struct MarianFixture: Sendable {
    struct Options: Decodable, Sendable {
        var num_beams: Int?
        var length_penalty: Double?
        var num_return_sequences: Int?
        var no_repeat_ngram_size: Int?
        var early_stopping: Bool?
        var max_length: Int?
    }

    struct Generation: Decodable, Sendable {
        var options: Options
        /// `generate(...).sequences`: `[B · num_return_sequences, width]`, decoder start first, padded with pad.
        var sequences: [[Int]]
        var sequences_scores: [Float]?
        /// Per source, `generate` on that source alone (no padding).
        var single_sequences: [[[Int]]]
    }

    struct References: Decodable, Sendable {
        var input_ids: [[Int]]
        var attention_mask: [[Int]]
        var decoder_input_ids: [[Int]]
        var positions_rows: [Int]
        var positions: [[Float]]
        var encoder_hidden: [[[Float]]]
        var decoder_logits: [[[Float]]]
        var generate: [String: Generation]
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/marian")

    let model: MarianMTModel
    let references: References

    init() throws {
        model = try MarianMTModel(directory: Self.directory)
        let data = try Data(contentsOf: Self.directory.appendingPathComponent("references.json"))
        references = try JSONDecoder().decode(References.self, from: data)
    }

    /// The unpadded source sentences of the reference batch.
    var sources: [[Int]] {
        zip(references.input_ids, references.attention_mask).map { ids, mask in
            Array(ids.prefix(mask.reduce(0, +)))
        }
    }

    /// The checkpoint's generation config with a reference case's overrides.
    func options(_ overrides: Options) -> MarianGenerationConfig {
        var options = model.generationConfig
        if let v = overrides.num_beams { options.numBeams = v }
        if let v = overrides.length_penalty { options.lengthPenalty = v }
        if let v = overrides.num_return_sequences { options.numReturnSequences = v }
        if let v = overrides.no_repeat_ngram_size { options.noRepeatNgramSize = v }
        if let v = overrides.early_stopping { options.earlyStopping = v ? .whenFull : .heuristic }
        if let v = overrides.max_length { options.maxLength = v }
        return options
    }

    /// Hypotheses laid out as `generate` returns them: start token first, padded to the longest with pad.
    func paddedSequences(_ hypotheses: [[Hypothesis]]) -> [[Int]] {
        let config = model.generationConfig
        let rows = hypotheses.flatMap { $0 }.map { [config.decoderStartTokenId] + $0.tokens }
        let width = rows.map(\.count).max() ?? 0
        return rows.map { $0 + Array(repeating: config.padTokenId, count: width - $0.count) }
    }
}

/// The largest absolute difference between two equally long float sequences, and where it is.
func worstDifference(_ a: [Float], _ b: [Float]) -> (value: Float, index: Int) {
    precondition(a.count == b.count, "lengths \(a.count) vs \(b.count)")
    var worst: (value: Float, index: Int) = (0, -1)
    for i in a.indices where abs(a[i] - b[i]) > worst.value || a[i].isNaN != b[i].isNaN {
        worst = (a[i].isNaN || b[i].isNaN ? .infinity : abs(a[i] - b[i]), i)
    }
    return worst
}
