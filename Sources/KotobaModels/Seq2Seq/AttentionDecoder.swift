import Foundation
import KotobaTensor

/// The decoder of Kotoba's seq2seq model, one step at a time:
/// `decoder.embedding` (+ input feed) → `decoder.rnn` → `decoder.attention` → h̃ = tanh(`decoder.combine` [c; q])
/// → `decoder.output`.
///
/// Luong, Pham, Manning 2015, §3.1 (eq. 5: `h̃ₜ = tanh(W_c [cₜ; hₜ])`, no bias) and §3.3 (input feeding);
/// the reference is `Decoder` in training/reference/seq2seq.py.
public struct AttentionDecoder: Sendable {
    let embedding: Embedding  // decoder.embedding   [tgt_vocab, E]
    let rnn: StackedRecurrent  // decoder.rnn.layers.{l}, unidirectional
    let attention: GlobalAttention  // decoder.attention.*
    let combine: Linear  // decoder.combine       [H, M + H], no bias
    let output: Linear  // decoder.output        [tgt_vocab, H] (the embedding table when tied)
    let inputFeeding: Bool
    let hiddenSize: Int

    /// Loads `decoder.*` for `config`.
    public init(config: Seq2SeqConfig, weights: WeightStore) throws(ModelError) {
        let scope = weights.scoped("decoder"), hidden = config.hiddenSize, memory = config.memorySize
        embedding = try scope.embedding("embedding", rows: config.tgtVocabSize, width: config.embeddingSize)
        rnn = try scope.scoped("rnn").layeredRecurrent(
            config.cellType, inputSize: config.embeddingSize + (config.inputFeeding ? hidden : 0), hiddenSize: hidden,
            layers: config.decoderLayers, bidirectional: false, residual: config.residual)
        let a = scope.scoped("attention")
        let scorer: any AttentionScorer = switch config.attentionType {
        case .bahdanau:
            AdditiveAttention(queryWeight: try a.tensor("query.weight", shape: [config.attentionSize, hidden]),
                              queryBias: try a.tensor("query.bias", shape: [config.attentionSize]),
                              keyWeight: try a.tensor("key.weight", shape: [config.attentionSize, memory]),
                              v: try a.tensor("v.weight", shape: [1, config.attentionSize]))
        case .luongGeneral: MultiplicativeAttention.general(keyWeight: try a.tensor("key.weight", shape: [hidden, memory]))
        case .luongDot: MultiplicativeAttention.dot(size: hidden)
        case .scaledDot: MultiplicativeAttention.scaledDot(size: hidden)
        }
        attention = GlobalAttention(scorer: scorer)
        combine = try scope.linear("combine", in: memory + hidden, out: hidden, bias: false)
        let outputBias = try scope.tensor("output.bias", shape: [config.tgtVocabSize])
        if config.tieEmbeddings {
            output = embedding.tiedProjection(bias: outputBias)
        } else {
            output = Linear(weight: try scope.tensor("output.weight", shape: [config.tgtVocabSize, hidden]), bias: outputBias)
        }
        inputFeeding = config.inputFeeding
        hiddenSize = hidden
    }

    /// Vocabulary size of the logits.
    var vocabularySize: Int { output.outFeatures }

    /// tokens `[rows]` (each row's previous output) → logits `[rows, V]`, the next state, attention `[rows, S]`.
    public func step(tokens: [Int], state: RecurrentDecoderState) throws(ModelError) -> DecoderStep<RecurrentDecoderState> {
        guard tokens.count == state.rows else {
            throw .invalidInput("\(tokens.count) decoder tokens for \(state.rows) hypothesis rows")
        }
        let rows = tokens.count
        var x = try embedding.tokens(tokens, table: "decoder.embedding")  // [rows, E]
        if inputFeeding { x = concatenateRows(x, state.feed) }  // [rows, E + H]
        var layers = state.layers
        let query = rnn.step(x, states: &layers)  // [rows, H]
        let (context, weights) = attention.attend(queries: query, memory: state.memory, sources: state.sources)
        var attentional: Tensor  // h̃ [rows, H]
        do {
            attentional = try combine(concatenateRows(context, query))
            attentional.storage.withUnsafeMutableBufferPointer { h in
                for i in 0..<h.count { h[i] = tanhf(h[i]) }
            }
            let logits = try output(attentional)
            let next = RecurrentDecoderState(layers: layers, feed: attentional, sources: state.sources, memory: state.memory)
            precondition(logits.shape == [rows, vocabularySize], "logits \(logits.shape)")
            return DecoderStep(logits: logits, state: next, attention: weights)
        } catch { throw .invalidInput("decoder step: \(error)") }
    }
}

/// `[rows, a]`, `[rows, b]` → `[rows, a + b]`, as `torch.cat(dim=-1)`.
func concatenateRows(_ left: Tensor, _ right: Tensor) -> Tensor {
    let rows = left.shape[0], a = left.shape[1], b = right.shape[1]
    precondition(right.shape[0] == rows, "concatenateRows: \(left.shape) and \(right.shape)")
    var out = ContiguousArray<Float>(repeating: 0, count: rows * (a + b))
    out.withUnsafeMutableBufferPointer { o in
        left.storage.withUnsafeBufferPointer { l in
            right.storage.withUnsafeBufferPointer { r in
                for i in 0..<rows {
                    (o.baseAddress! + i * (a + b)).update(from: l.baseAddress! + i * a, count: a)
                    (o.baseAddress! + i * (a + b) + a).update(from: r.baseAddress! + i * b, count: b)
                }
            }
        }
    }
    return Tensor(uncheckedShape: [rows, a + b], storage: out)
}
