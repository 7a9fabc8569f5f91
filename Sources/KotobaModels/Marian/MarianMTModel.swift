// `MarianMTModel`: encoder, decoder and LM head of a Hugging Face Marian checkpoint, with its tied embeddings.
// Reference: transformers 5.24.0, models/marian/modeling_marian.py (`MarianModel.__init__`, `MarianMTModel.__init__`,
// `_tied_weights_keys`): with share_encoder_decoder_embeddings one `model.shared` table feeds the encoder, the
// decoder and (tie_word_embeddings) `lm_head`; `save_pretrained` then writes only one of the tied names.
import Foundation
import KotobaTensor

/// A loaded Marian translation model (ids in, ids out); tokenisation is the caller's.
public struct MarianMTModel: Sendable {
    /// `config.json`.
    public let config: MarianConfig
    /// The checkpoint's decoding defaults (`generation_config.json`).
    public let generationConfig: MarianGenerationConfig
    /// The encoder.
    public let encoder: MarianEncoder
    /// The decoder with the LM head.
    public let decoder: MarianDecoder

    /// Loads `config.json`, `generation_config.json` (optional) and `model.safetensors` from a model directory.
    public init(directory: URL, quantization: Quantization = .none) throws(ModelError) {
        let config = try MarianConfig(contentsOf: directory.appendingPathComponent("config.json"))
        try self.init(config: config,
                      generationConfig: try MarianGenerationConfig(directory: directory, modelConfig: config),
                      weights: try WeightStore(directory: directory, quantization: quantization))
    }

    /// Builds the model from already-read configuration and weights.
    public init(config: MarianConfig, generationConfig: MarianGenerationConfig,
                weights store: WeightStore) throws(ModelError) {
        // Every decoding step allocates its logits ([rows, V], 8 MB at beam 4 × 16 over 32k tokens): without
        // this, glibc maps and unmaps them, and the kernel zeroes every page again each step.
        HeapTuning.retainFreedMemory()
        do { try generationConfig.validate(vocabularySize: config.decoderVocabSize) } catch {
            throw .invalidConfig(path: "generation_config.json", field: "", reason: error.description)
        }
        let weights = store
        let d = config.hiddenSize
        let encoderEmbedding: ContiguousArray<Float>, decoderEmbedding: ContiguousArray<Float>
        if config.shareEmbeddings {
            encoderEmbedding = try weights.firstTensor(
                of: ["model.shared.weight", "model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight"],
                shape: [config.vocabSize, d]).storage
            decoderEmbedding = encoderEmbedding
        } else {
            encoderEmbedding = try weights.tensor("model.encoder.embed_tokens.weight", shape: [config.vocabSize, d]).storage
            decoderEmbedding = try weights.tensor("model.decoder.embed_tokens.weight",
                                                  shape: [config.decoderVocabSize, d]).storage
        }
        let lmHead = config.tieWordEmbeddings
            ? decoderEmbedding : try weights.tensor("lm_head.weight", shape: [config.decoderVocabSize, d]).storage
        let bias = try weights.tensorIfPresent("final_logits_bias", shape: [config.decoderVocabSize])?.storage
            ?? ContiguousArray(repeating: 0, count: config.decoderVocabSize)
        self.config = config
        self.generationConfig = generationConfig
        encoder = try MarianEncoder(weights.scoped("model").scoped("encoder"), embedding: encoderEmbedding,
                                    config: config)
        decoder = try MarianDecoder(weights.scoped("model").scoped("decoder"), embedding: decoderEmbedding,
                                    lmHead: lmHead, finalLogitsBias: bias, config: config)
    }

    /// Encodes source token ids (EOS included, as MarianTokenizer produces them): `[B][S_b]` → `[B, S, d]`.
    public func encode(_ sentences: [[Int]]) throws(ModelError) -> MarianEncoderOutput {
        encoder(try MarianSourceBatch(sentences, config: config))
    }
}
