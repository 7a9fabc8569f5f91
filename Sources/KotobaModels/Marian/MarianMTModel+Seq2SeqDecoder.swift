// Marian as a `Seq2SeqDecoder`, so Decoding's `GreedySearch` and `BeamSearch` drive it like the RNN models;
// `generate` (MarianGeneration.swift) maps the generation config onto their options and logits rules.
import KotobaTensor

extension MarianMTModel: Seq2SeqDecoder {
    /// The encoder output shared by every hypothesis row.
    public typealias Encoded = MarianEncoderOutput
    /// The KV cache. A reference: `step` and `reorder` advance the state passed in and return it (or, when the rows
    /// outgrow it, a larger copy), so a search must continue from the returned state only.
    public typealias State = MarianDecoderState

    /// `decoder_vocab_size`.
    public var vocabularySize: Int { config.decoderVocabSize }
    /// `decoder_start_token_id` (the pad token).
    public var decoderStartTokenID: Int { generationConfig.decoderStartTokenId }
    /// The first `eos_token_id`.
    public var eosTokenID: Int { generationConfig.eosTokenIds.first ?? 0 }
    /// `pad_token_id`.
    public var padTokenID: Int { generationConfig.padTokenId }

    /// One row per source, room for every position the position table allows.
    public func initialState(_ encoded: MarianEncoderOutput) -> MarianDecoderState {
        MarianDecoderState(decoder: decoder, encoded: encoded, sourceOfRow: Array(0..<encoded.source.count),
                           rowCapacity: encoded.source.count, maxLength: config.maxPositions)
    }

    /// Feeds `tokens[i]` to row `i`: logits `[rows, V]` and, while the state tracks them, the last layer's
    /// cross-attention weights averaged over heads, `[rows, S]` (zero at source padding).
    public func step(tokens: [Int], state: MarianDecoderState) throws(ModelError) -> DecoderStep<MarianDecoderState> {
        guard tokens.count == state.rows else {
            throw .invalidInput("\(tokens.count) tokens for \(state.rows) decoder rows")
        }
        guard state.length < state.maxLength else {
            throw .invalidInput("decoder state is full at \(state.maxLength) positions (max_position_embeddings)")
        }
        if let bad = tokens.first(where: { $0 < 0 || $0 >= config.decoderVocabSize }) {
            throw .invalidInput("decoder token id \(bad) outside vocabulary of \(config.decoderVocabSize)")
        }
        let logits = decoder.step(tokens, state: state)
        let count = tokens.count * config.decoderVocabSize
        let storage = ContiguousArray(UnsafeBufferPointer(start: logits, count: count))
        var attention: Tensor?
        if state.tracksAlignment {
            let sourceLength = state.source.length
            let weights = ContiguousArray(UnsafeBufferPointer(start: state.alignment.pointer,
                                                              count: tokens.count * sourceLength))
            attention = Tensor(uncheckedShape: [tokens.count, sourceLength], storage: weights)
        }
        return DecoderStep(logits: Tensor(uncheckedShape: [tokens.count, config.decoderVocabSize], storage: storage),
                           state: state, attention: attention)
    }

    /// Row `i` of the result is row `rows[i]` of `state`.
    public func reorder(_ state: MarianDecoderState, rows: [Int]) -> MarianDecoderState {
        state.reordered(rows)
    }

    /// Source index of each row.
    public func sources(of state: MarianDecoderState) -> [Int] { state.sourceOfRow }

    /// Unpadded length of each source.
    public func sourceLengths(_ encoded: MarianEncoderOutput) -> [Int] { encoded.source.lengths }
}
