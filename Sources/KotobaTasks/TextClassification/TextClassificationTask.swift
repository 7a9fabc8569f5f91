// Reference: transformers `src/transformers/pipelines/text_classification.py` at v5.24.0
// (`TextClassificationPipeline.postprocess`): the scoring function follows `problem_type` / `num_labels`
// unless the caller overrides it; labels are sorted by score and cut to `top_k`.
import Foundation
import KotobaModels
import KotobaTensor

/// One label and its score, as the pipeline returns it.
package struct LabelScore: Sendable, Codable, Equatable {
    /// Label name from `id2label`.
    package var label: String
    /// Its probability (softmax or sigmoid) or raw logit (`none`).
    package var score: Float
}

/// The result for one input: labels best first, and how the input was encoded.
package struct TextClassificationResult: Sendable, Codable, Equatable {
    /// Labels sorted by score, highest first, cut to `top_k`.
    package var labels: [LabelScore]
    /// Token count and truncation of the input.
    package var input: InputReport
}

/// How logits become scores (`function_to_apply`).
package enum ClassificationFunction: String, Sendable, Codable {
    /// Softmax across labels.
    case softmax
    /// A sigmoid per label.
    case sigmoid
    /// The raw logits.
    case none
}

/// Options of a classification request.
package struct TextClassificationOptions: Sendable, Equatable {
    /// Labels to return; `nil` for all of them.
    package var topK: Int?
    /// Override of the scoring function; `nil` follows the model's `problem_type` as the pipeline does.
    package var function: ClassificationFunction?
    /// Cut inputs longer than the model accepts (and report it) instead of rejecting them.
    package var truncate: Bool
    /// Which end of an over-long input is cut (`truncation_side`); right, as the pipelines default to.
    package var side: TruncationSide

    /// Options returning every label, scored as the model's config implies.
    package init(topK: Int? = nil, function: ClassificationFunction? = nil, truncate: Bool = true,
                side: TruncationSide = .right) {
        self.topK = topK
        self.function = function
        self.truncate = truncate
        self.side = side
    }
}

/// Sequence classification over `BertForSequenceClassification` or `DistilBertForSequenceClassification`.
package struct TextClassificationTask: Sendable {
    let model: any SequenceClassifier
    let encoder: BatchEncoder

    /// Loads the model and tokenizer in `directory`.
    package static func load(directory: URL, quantization: Quantization = .none) throws(TaskLoadError) -> TextClassificationTask {
        let model: any SequenceClassifier
        do { model = try EncoderModels.sequenceClassifier(directory: directory, quantization: quantization) } catch { throw .model(error) }
        return TextClassificationTask(model: model, encoder: try BatchEncoder(directory: directory, limits: model.limits))
    }

    /// The label names, in logit order.
    package var labels: [String] { model.labels.names }

    /// The scoring function the pipeline picks for this model: none for regression, sigmoid for multi-label
    /// or a single output, softmax otherwise.
    package var defaultFunction: ClassificationFunction {
        switch model.labels.problemType {
        case .regression: .none
        case .multiLabel: .sigmoid
        case .singleLabel: model.labels.names.count == 1 ? .sigmoid : .softmax
        case nil: model.labels.names.count == 1 ? .sigmoid : .softmax
        }
    }

    /// The tokenizer as `/tokenize` serves it for this model.
    package var tokenization: TokenizationTask { encoder.tokenization }

    /// Refuses a `top_k` below 1.
    package func validate(_ options: TextClassificationOptions) throws(TaskError) {
        if let topK = options.topK, topK < 1 { throw .invalidInput("top_k must be at least 1, got \(topK)") }
    }

    /// Tokenizes one input.
    package func prepare(_ text: String, options: TextClassificationOptions = TextClassificationOptions()) throws(TaskError) -> PreparedInput {
        try encoder.prepare(text, truncate: options.truncate, side: options.side)
    }

    /// Classifies every input in one forward pass.
    package func run(_ texts: [String], options: TextClassificationOptions = TextClassificationOptions()) throws(TaskError) -> [TextClassificationResult] {
        try validate(options)
        return try run(try encoder.prepare(texts, truncate: options.truncate, side: options.side), options: options)
    }

    /// Classifies every prepared input in one forward pass; `options` are assumed valid (`validate`).
    package func run(_ inputs: [PreparedInput], options: TextClassificationOptions = TextClassificationOptions()) throws(TaskError) -> [TextClassificationResult] {
        let batch = try encoder.batch(inputs)
        let logits: Tensor
        do { logits = try model(batch) } catch { throw TaskError(error) }
        let names = model.labels.names
        let function = options.function ?? defaultFunction
        return inputs.enumerated().map { row, input in
            let slice = logits.storage[(row * names.count)..<((row + 1) * names.count)]
            let scores: [Float] = switch function {
            case .softmax: Scores.softmax(slice)
            case .sigmoid: Scores.sigmoid(slice)
            case .none: Array(slice)
            }
            let order = Scores.top(options.topK ?? names.count, of: scores)
            return TextClassificationResult(labels: order.map { LabelScore(label: names[$0], score: scores[$0]) },
                                            input: input.report)
        }
    }
}
