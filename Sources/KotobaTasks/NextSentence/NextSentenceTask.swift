// Reference: transformers `src/transformers/models/bert/modeling_bert.py` at v5.24.0
// (`BertForNextSentencePrediction`; there is no NSP pipeline, so this follows the model's documented use).
import Foundation
import KotobaModels
import KotobaTensor

/// The probability that the second sentence of a pair follows the first.
package struct NextSentenceResult: Sendable, Codable, Equatable {
    /// `softmax(logits)[0]`: probability of "B follows A".
    package var isNext: Float
    /// Token count and truncation of the pair.
    package var input: InputReport

    enum CodingKeys: String, CodingKey {
        case isNext = "is_next", input
    }
}

/// One sentence pair.
package struct SentencePair: Sendable, Codable, Equatable {
    /// Sentence A.
    package var first: String
    /// Sentence B, asked about: does it follow A?
    package var second: String

    /// A pair of sentences.
    package init(first: String, second: String) {
        self.first = first
        self.second = second
    }
}

/// Next-sentence prediction over `BertForNextSentencePrediction` or `BertForPreTraining`.
package struct NextSentenceTask: Sendable {
    let model: any NextSentencePredictor
    let encoder: BatchEncoder

    /// Loads the model and tokenizer in `directory`; a pre-training checkpoint is taken from `shared` if given.
    package static func load(directory: URL, quantization: Quantization = .none,
                             shared: SharedCheckpoints? = nil) throws(TaskLoadError) -> NextSentenceTask {
        let model: any NextSentencePredictor
        do throws(ModelError) {
            if let cached = try shared?.bertForPreTraining(directory: directory, quantization: quantization) {
                model = cached
            } else {
                model = try EncoderModels.nextSentencePredictor(directory: directory, quantization: quantization)
            }
        } catch { throw .model(error) }
        return NextSentenceTask(model: model, encoder: try BatchEncoder(directory: directory, limits: model.limits))
    }

    /// The tokenizer as `/tokenize` serves it for this model.
    package var tokenization: TokenizationTask { encoder.tokenization }

    /// Tokenizes one pair, `[CLS] A [SEP] B [SEP]` with segment ids 0 then 1.
    package func prepare(_ pair: SentencePair, truncate: Bool = true, side: TruncationSide = .right) throws(TaskError) -> PreparedInput {
        try encoder.prepare(pair.first, pair: pair.second, truncate: truncate, side: side)
    }

    /// Scores every pair in one forward pass.
    package func run(_ pairs: [SentencePair], truncate: Bool = true,
                    side: TruncationSide = .right) throws(TaskError) -> [NextSentenceResult] {
        try run(try encoder.prepare(pairs.map(\.first), pairs: pairs.map(\.second), truncate: truncate, side: side))
    }

    /// Scores every prepared pair in one forward pass.
    ///
    /// Index 0 of the NSP head is "is next": BERT's pre-training labelled a true continuation 0 and a random
    /// sentence 1 (`next_sentence_label` in modeling_bert.py: "0 indicates sequence B is a continuation of
    /// sequence A"), so the probability we report is the softmax's first entry.
    package func run(_ inputs: [PreparedInput]) throws(TaskError) -> [NextSentenceResult] {
        let batch = try encoder.batch(inputs)
        let logits: Tensor
        do { logits = try model.nextSentenceLogits(batch) } catch { throw TaskError(error) }
        return inputs.enumerated().map { row, input in
            NextSentenceResult(isNext: Scores.softmax(logits.storage[(row * 2)..<(row * 2 + 2)])[0], input: input.report)
        }
    }
}
