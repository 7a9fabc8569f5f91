// Reference: sentence-transformers `models/Pooling.py` (mean: Σ mask·h / max(Σ mask, 1e-9)) and
// `models/Normalize.py` (`F.normalize(p=2)`, eps 1e-12); Reimers & Gurevych, "Sentence-BERT", EMNLP 2019, §3.
import Foundation
import KotobaModels
import KotobaTensor

/// One sentence's embedding and how the sentence was encoded.
package struct SentenceEmbeddingResult: Sendable, Codable, Equatable {
    /// The pooled (and, where the model says so, L2-normalised) vector.
    package var embedding: [Float]
    /// Token count and truncation of the sentence.
    package var input: InputReport
}

/// Sentence embeddings from a BERT or DistilBERT encoder laid out as a sentence-transformers model.
package struct SentenceEmbeddingTask: Sendable {
    let model: any SentenceEncoder
    let encoder: BatchEncoder
    /// How token states are pooled.
    package let pooling: PoolingMode
    /// Whether vectors are L2-normalised.
    package let normalize: Bool

    /// Loads the encoder, tokenizer and sentence-transformers modules in `directory`.
    package static func load(directory: URL, quantization: Quantization = .none) throws(TaskLoadError) -> SentenceEmbeddingTask {
        let layout = try SentenceTransformersLayout.read(directory: directory)
        let model: any SentenceEncoder
        do { model = try EncoderModels.sentenceEncoder(directory: directory, quantization: quantization) } catch { throw .model(error) }
        let encoder = try BatchEncoder(directory: directory, limits: model.limits, maxLength: layout.maxSequenceLength)
        return SentenceEmbeddingTask(model: model, encoder: encoder, pooling: layout.pooling, normalize: layout.normalize)
    }

    /// The tokenizer as `/tokenize` serves it for this model (with sentence-transformers' `max_seq_length`).
    package var tokenization: TokenizationTask { encoder.tokenization }

    /// Tokenizes one sentence.
    package func prepare(_ text: String, truncate: Bool = true, side: TruncationSide = .right) throws(TaskError) -> PreparedInput {
        try encoder.prepare(text, truncate: truncate, side: side)
    }

    /// Embeds every sentence in one forward pass.
    package func run(_ texts: [String], truncate: Bool = true,
                    side: TruncationSide = .right) throws(TaskError) -> [SentenceEmbeddingResult] {
        try run(try encoder.prepare(texts, truncate: truncate, side: side))
    }

    /// Embeds every prepared sentence in one forward pass.
    package func run(_ inputs: [PreparedInput]) throws(TaskError) -> [SentenceEmbeddingResult] {
        let batch = try encoder.batch(inputs)
        let hidden: Tensor
        do { hidden = try model.hiddenStates(batch) } catch { throw TaskError(error) }
        let width = hidden.shape[2]
        return inputs.enumerated().map { row, input in
            var vector = pool(hidden, row: row, batch: batch, width: width)
            if normalize {
                let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let scale = 1 / max(norm, 1e-12)
                vector = vector.map { $0 * scale }
            }
            return SentenceEmbeddingResult(embedding: vector, input: input.report)
        }
    }

    private func pool(_ hidden: Tensor, row: Int, batch: TokenBatch, width: Int) -> [Float] {
        let base = row * batch.length * width
        switch pooling {
        case .cls:
            return Array(hidden.storage[base..<(base + width)])
        case .mean:
            var sum = [Float](repeating: 0, count: width)
            var count: Float = 0
            for position in 0..<batch.length where batch.attentionMask[row * batch.length + position] != 0 {
                let start = base + position * width
                for i in 0..<width { sum[i] += hidden.storage[start + i] }
                count += 1
            }
            let divisor = max(count, 1e-9)
            return sum.map { $0 / divisor }
        }
    }
}
