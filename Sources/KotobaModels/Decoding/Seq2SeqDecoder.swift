import KotobaTensor

/// What a search needs from an encoder–decoder model; `GreedySearch` and `BeamSearch` work on any conformer.
///
/// The model encodes the sources once (`encode`), then the search advances many hypothesis rows at once: row `i` of
/// a `State` is one hypothesis, and `reorder` picks, repeats and drops rows as beams are expanded, ranked and pruned.
/// An RNN decoder's state is its hidden (and cell) vectors; a Transformer decoder's is its KV cache — both carry the
/// row → source mapping and a shared reference to the encoder output, so `step` only takes the new tokens.
/// (The pattern is CTranslate2's `DecoderState` + `BeamSearch::search`, decoding kept apart from the model.)
public protocol Seq2SeqDecoder: Sendable {
    /// Encoder output for a batch of sources, shared by every hypothesis row.
    associatedtype Encoded: Sendable
    /// Per-row decoder state (carried recurrent vectors, or a KV cache).
    associatedtype State: Sendable

    /// Number of output logits per step.
    var vocabularySize: Int { get }
    /// First decoder input of every hypothesis.
    var decoderStartTokenID: Int { get }
    /// Token that ends a hypothesis.
    var eosTokenID: Int { get }
    /// Token appended to finished rows where a fixed-width batch needs one.
    var padTokenID: Int { get }

    /// Runs the encoder once over source token ids (each of its own length, at least one token).
    func encode(_ sources: [[Int]]) throws(ModelError) -> Encoded
    /// One hypothesis row per source, row `b` for source `b`, before any token is decoded.
    func initialState(_ encoded: Encoded) -> State
    /// Feeds `tokens[i]` to row `i`; returns logits `[rows, vocabularySize]`, the advanced state and, when the model
    /// has them, attention weights over each row's source `[rows, sourceLength]` (the alignment of the next token).
    func step(tokens: [Int], state: State) throws(ModelError) -> DecoderStep<State>
    /// Row `i` of the result is row `rows[i]` of `state` (rows may repeat or be dropped).
    func reorder(_ state: State, rows: [Int]) -> State
    /// Source index of each row of `state`.
    func sources(of state: State) -> [Int]
    /// True (unpadded) length of each source of an encoded batch.
    func sourceLengths(_ encoded: Encoded) -> [Int]
}

/// The result of one decoder step over all rows.
public struct DecoderStep<State: Sendable>: Sendable {
    /// Unnormalised next-token scores, `[rows, vocabulary]`.
    public var logits: Tensor
    /// The state after consuming the tokens.
    public var state: State
    /// Attention weights `[rows, sourceLength]` (zero at padding), or `nil` when the model does not expose them.
    public var attention: Tensor?

    /// A step result.
    public init(logits: Tensor, state: State, attention: Tensor?) {
        self.logits = logits
        self.state = state
        self.attention = attention
    }

    /// The logits, handed over: the step keeps an empty tensor, so the caller holds the storage alone and its
    /// in-place penalty and log-softmax copy nothing.
    mutating func takeLogits() -> Tensor {
        defer { logits = Tensor(uncheckedShape: [0], storage: []) }
        return logits
    }
}
