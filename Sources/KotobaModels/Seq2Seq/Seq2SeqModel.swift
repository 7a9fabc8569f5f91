import Foundation
import KotobaTensor

/// Kotoba's RNN encoder–decoder with attention (`model_type` "kotoba-seq2seq"), ready for `GreedySearch` and
/// `BeamSearch` through `Seq2SeqDecoder`.
///
/// Reference: `Seq2Seq` in training/reference/seq2seq.py; format in training/reference/SEQ2SEQ_FORMAT.md.
public struct Seq2SeqModel: Sendable {
    /// The configuration the weights were loaded for.
    public let config: Seq2SeqConfig
    /// `encoder.*`.
    public let encoder: RecurrentEncoder
    /// `bridge.*`, present with a bidirectional encoder.
    public let bridge: DecoderBridge?
    /// `decoder.*`.
    public let decoder: AttentionDecoder

    /// Loads `config` from `weights`; a tensor missing or of the wrong shape (a vocabulary size that disagrees with
    /// the embedding, for instance) is a `ModelError` naming it.
    public init(config: Seq2SeqConfig, weights: WeightStore) throws(ModelError) {
        HeapTuning.retainFreedMemory()   // decoding steps reuse freed buffers instead of faulting them back in
        self.config = config
        encoder = try RecurrentEncoder(config: config, weights: weights)
        bridge = config.bidirectionalEncoder ? try DecoderBridge(config: config, weights: weights) : nil
        decoder = try AttentionDecoder(config: config, weights: weights)
    }

    /// Loads `config.json` and `model.safetensors` from a model directory.
    public static func load(directory: URL, quantization: Quantization = .none) throws(ModelError) -> Seq2SeqModel {
        try Seq2SeqModel(config: try Seq2SeqConfig.load(directory: directory), weights: try WeightStore(directory: directory, quantization: quantization))
    }
}

/// Encoder output of a source batch, as the decoder needs it.
public struct EncodedSources: Sendable {
    /// Memory, keys and lengths for attention.
    public let memory: AttentionMemory
    /// Per decoder layer, the initial state `[1, B, H]` (after the bridge when bidirectional).
    public let initialLayers: [RecurrentState]
}

extension Seq2SeqModel: Seq2SeqDecoder {
    public var vocabularySize: Int { config.tgtVocabSize }
    public var decoderStartTokenID: Int { config.decoderStartTokenID }
    public var eosTokenID: Int { config.eosTokenID }
    public var padTokenID: Int { config.padTokenID }

    public func encode(_ sources: [[Int]]) throws(ModelError) -> EncodedSources {
        let (memory, lengths, finals) = try encoder(sources)
        let initial = try bridge.map { bridge throws(ModelError) in try bridge(finals) } ?? finals
        return EncodedSources(memory: decoder.attention.prepare(memory: memory, lengths: lengths), initialLayers: initial)
    }

    public func initialState(_ encoded: EncodedSources) -> RecurrentDecoderState {
        let batch = encoded.memory.batch
        return RecurrentDecoderState(layers: encoded.initialLayers, feed: Tensor(shape: [batch, config.hiddenSize]),
                                     sources: Array(0..<batch), memory: encoded.memory)
    }

    public func step(tokens: [Int], state: RecurrentDecoderState) throws(ModelError) -> DecoderStep<RecurrentDecoderState> {
        try decoder.step(tokens: tokens, state: state)
    }

    public func reorder(_ state: RecurrentDecoderState, rows: [Int]) -> RecurrentDecoderState {
        state.selecting(rows: rows)
    }

    public func sources(of state: RecurrentDecoderState) -> [Int] { state.sources }

    public func sourceLengths(_ encoded: EncodedSources) -> [Int] { encoded.memory.lengths }
}
