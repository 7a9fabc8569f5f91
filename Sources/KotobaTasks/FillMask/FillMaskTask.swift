// Reference: transformers `src/transformers/pipelines/fill_mask.py` at v5.24.0 (`FillMaskPipeline.postprocess`,
// `get_target_ids`): softmax over the vocabulary at each mask, optional restriction to target ids, top-k,
// and each candidate's sequence decoded with the mask filled in.
import Foundation
import KotobaModels
import KotobaTensor
import KotobaTokenizers

/// One proposal for a masked position, shaped as `FillMaskPipeline` returns it.
package struct FillMaskCandidate: Sendable, Codable, Equatable {
    /// Probability of the token at this position.
    package var score: Float
    /// Token id.
    package var token: Int
    /// The token decoded on its own.
    package var tokenStr: String
    /// The input decoded with this token in place of the mask.
    package var sequence: String

    enum CodingKeys: String, CodingKey {
        case score, token, tokenStr = "token_str", sequence
    }
}

/// The result for one input: a candidate list per mask, in input order, and how the input was encoded.
package struct FillMaskResult: Sendable, Codable, Equatable {
    /// `masks[i]` holds the candidates for the i-th mask token of the input, best first.
    package var masks: [[FillMaskCandidate]]
    /// Token count and truncation of the input.
    package var input: InputReport
}

/// Options of a fill-mask request.
package struct FillMaskOptions: Sendable, Equatable {
    /// Candidates per mask; capped at the number of targets when targets are given.
    package var topK: Int
    /// Restrict candidates to these words (each a vocabulary entry, or the first token of its tokenization).
    package var targets: [String]?
    /// Cut inputs longer than the model accepts (and report it) instead of rejecting them.
    package var truncate: Bool
    /// Which end of an over-long input is cut (`truncation_side`); right, as the pipelines default to.
    package var side: TruncationSide

    /// Options with the pipeline's defaults (`top_k` 5, no targets) and truncation on.
    package init(topK: Int = 5, targets: [String]? = nil, truncate: Bool = true,
                side: TruncationSide = .right) {
        self.topK = topK
        self.targets = targets
        self.truncate = truncate
        self.side = side
    }
}

/// Fill-mask over a masked-LM model: `BertForMaskedLM`, `BertForPreTraining` or `DistilBertForMaskedLM`.
package struct FillMaskTask: Sendable {
    let model: any MaskedLanguageModel
    let encoder: BatchEncoder
    let maskId: Int

    /// Loads the model and tokenizer in `directory`; a pre-training checkpoint is taken from `shared` if given.
    package static func load(directory: URL, quantization: Quantization = .none,
                             shared: SharedCheckpoints? = nil) throws(TaskLoadError) -> FillMaskTask {
        let model: any MaskedLanguageModel
        do throws(ModelError) {
            if let cached = try shared?.bertForPreTraining(directory: directory, quantization: quantization) {
                model = cached
            } else {
                model = try EncoderModels.maskedLanguageModel(directory: directory, quantization: quantization)
            }
        } catch { throw .model(error) }
        let encoder = try BatchEncoder(directory: directory, limits: model.limits)
        guard let maskId = encoder.tokenizer.specialTokens.mask else {
            throw .missingSpecialToken(directory: directory.path, role: "mask")
        }
        return FillMaskTask(model: model, encoder: encoder, maskId: maskId)
    }

    /// The mask token's text, for callers building inputs (`[MASK]` for BERT).
    package var maskToken: String { encoder.tokenizer.token(forId: maskId) ?? "[MASK]" }

    /// The tokenizer as `/tokenize` serves it for this model.
    package var tokenization: TokenizationTask { encoder.tokenization }

    /// Refuses options no input could be run with: `top_k` below 1, targets none of which is in the vocabulary.
    package func validate(_ options: FillMaskOptions) throws(TaskError) {
        guard options.topK >= 1 else { throw .invalidInput("top_k must be at least 1, got \(options.topK)") }
        if let targets = options.targets { _ = try targetIds(targets) }
    }

    /// Tokenizes one input; refuses it unless a mask token survives truncation.
    package func prepare(_ text: String, options: FillMaskOptions = FillMaskOptions()) throws(TaskError) -> PreparedInput {
        let input = try encoder.prepare(text, truncate: options.truncate, side: options.side)
        guard input.ids.contains(maskId) else {
            throw .invalidInput(input.report.truncated ? "no \(maskToken) token left after truncation to \(encoder.maxLength) tokens"
                                                       : "no \(maskToken) token in the text")
        }
        return input
    }

    /// Fills every mask of every input in one forward pass.
    package func run(_ texts: [String], options: FillMaskOptions = FillMaskOptions()) throws(TaskError) -> [FillMaskResult] {
        try validate(options)
        let inputs = try PreparedInput.each(texts) { (text) throws(TaskError) in try prepare(text, options: options) }
        return try run(inputs, options: options)
    }

    /// Fills every mask of every prepared input in one forward pass; `options` are assumed valid (`validate`).
    package func run(_ inputs: [PreparedInput], options: FillMaskOptions = FillMaskOptions()) throws(TaskError) -> [FillMaskResult] {
        let targetIds = try options.targets.map { (t) throws(TaskError) in try self.targetIds(t) }
        let batch = try encoder.batch(inputs)
        // Flat positions of every mask: row-major over the batch, so logits come back input by input.
        var positions: [Int] = []
        var masksPerInput: [[Int]] = []
        for (row, input) in inputs.enumerated() {
            let masks = input.ids.indices.filter { input.ids[$0] == maskId }
            guard !masks.isEmpty else { throw .invalidInput("input \(row) has no \(maskToken) token") }
            masksPerInput.append(masks)
            positions += masks.map { row * batch.length + $0 }
        }
        let logits: Tensor
        do { logits = try model.logits(batch, at: positions) } catch { throw TaskError(error) }
        let vocabulary = logits.shape[1]
        var results: [FillMaskResult] = []
        var next = 0
        for (row, masks) in masksPerInput.enumerated() {
            var lists: [[FillMaskCandidate]] = []
            for position in masks {
                let start = next * vocabulary
                next += 1
                let probabilities = Scores.softmax(logits.storage[start..<(start + vocabulary)])
                lists.append(candidates(probabilities, ids: inputs[row].ids, at: position,
                                        singleMask: masks.count == 1, targetIds: targetIds, topK: options.topK))
            }
            results.append(FillMaskResult(masks: lists, input: inputs[row].report))
        }
        return results
    }

    private func candidates(_ probabilities: [Float], ids: [Int], at position: Int, singleMask: Bool,
                            targetIds: [Int]?, topK: Int) -> [FillMaskCandidate] {
        let chosen: [Int]
        if let targetIds {
            let restricted = targetIds.map { probabilities[$0] }
            chosen = Scores.top(min(topK, targetIds.count), of: restricted).map { targetIds[$0] }
        } else {
            chosen = Scores.top(topK, of: probabilities)
        }
        let pad = encoder.tokenizer.specialTokens.pad
        return chosen.map { id in
            var filled = ids
            filled[position] = id
            // The pipeline drops padding, then keeps special tokens when there are several masks so the other
            // masks stay visible in the sequence.
            let sequence = encoder.tokenizer.decode(filled.filter { $0 != pad }, skipSpecialTokens: singleMask)
            return FillMaskCandidate(score: probabilities[id], token: id,
                                     tokenStr: encoder.tokenizer.decode([id], skipSpecialTokens: false),
                                     sequence: sequence)
        }
    }

    /// `get_target_ids`: a vocabulary entry as is, otherwise the first token of its tokenization; duplicates
    /// removed. A target that tokenizes to nothing is skipped, as the pipeline skips it with a warning.
    private func targetIds(_ targets: [String]) throws(TaskError) -> [Int] {
        var ids: [Int] = []
        for target in targets {
            if let id = encoder.tokenizer.id(forToken: target) {
                ids.append(id)
                continue
            }
            let encoding: Encoding
            do { encoding = try encoder.tokenizer.encode(target, addSpecialTokens: false) } catch {
                throw .invalidInput("target \"\(target)\": \(error.description)")
            }
            if let first = encoding.ids.first { ids.append(first) }
        }
        var seen = Set<Int>()
        ids = ids.filter { seen.insert($0).inserted }
        guard !ids.isEmpty else { throw .invalidInput("none of the targets is in the vocabulary") }
        return ids
    }
}
