import KotobaTensor

/// Token ids of several sequences padded to one length, with the masks an encoder reads.
///
/// Rows are stored flat, `[batch · length]`, because that is the layout the embedding gather writes.
public struct TokenBatch: Sendable, Equatable {
    /// Number of sequences.
    public let batchSize: Int
    /// Length every sequence is padded to.
    public let length: Int
    /// Token ids, `[batch · length]`; padding positions hold the pad id.
    public let ids: [Int]
    /// Segment ids (`token_type_ids`), `[batch · length]`; zeros when the caller gave none.
    public let typeIds: [Int]
    /// 1 for a real token, 0 for padding, `[batch · length]`.
    public let attentionMask: [Int]

    /// Pads `ids` (and `typeIds`, `attentionMask` where given) to the longest row with `padId`.
    ///
    /// A row may arrive already padded with its own mask (as tokenizers return batches); rows of different
    /// lengths are padded here and their mask extended with zeros.
    public init(ids: [[Int]], typeIds: [[Int]]? = nil, attentionMask: [[Int]]? = nil, padId: Int = 0) throws(ModelError) {
        guard !ids.isEmpty else { throw .invalidInput("empty batch") }
        if let typeIds, typeIds.count != ids.count || zip(typeIds, ids).contains(where: { $0.count != $1.count }) {
            throw .invalidInput("token_type_ids do not match input_ids row for row")
        }
        if let attentionMask, attentionMask.count != ids.count
            || zip(attentionMask, ids).contains(where: { $0.count != $1.count }) {
            throw .invalidInput("attention_mask does not match input_ids row for row")
        }
        let length = ids.map(\.count).max() ?? 0
        guard length > 0 else { throw .invalidInput("every sequence in the batch is empty") }
        var flatIds: [Int] = [], flatTypes: [Int] = [], flatMask: [Int] = []
        flatIds.reserveCapacity(ids.count * length)
        flatTypes.reserveCapacity(ids.count * length)
        flatMask.reserveCapacity(ids.count * length)
        for (row, sequence) in ids.enumerated() {
            let padding = length - sequence.count
            flatIds += sequence + Array(repeating: padId, count: padding)
            flatTypes += (typeIds?[row] ?? Array(repeating: 0, count: sequence.count)) + Array(repeating: 0, count: padding)
            flatMask += (attentionMask?[row] ?? Array(repeating: 1, count: sequence.count))
                + Array(repeating: 0, count: padding)
        }
        self.batchSize = ids.count
        self.length = length
        self.ids = flatIds
        self.typeIds = flatTypes
        self.attentionMask = flatMask
    }

    /// Number of real (unmasked) tokens in each row.
    public var tokenCounts: [Int] {
        (0..<batchSize).map { row in attentionMask[(row * length)..<((row + 1) * length)].reduce(0, +) }
    }

    /// The padding mask in the additive form attention adds to its scores, `[batch, 1, 1, length]`.
    ///
    /// Additive rather than boolean so that masking is one add before the softmax; transformers fills masked
    /// positions with the most negative finite float (`torch.finfo(float32).min`, in `create_bidirectional_mask`)
    /// rather than `-inf`, and so do we, so a row's softmax never divides zero by zero.
    public func additiveMask() -> Tensor {
        let values = attentionMask.map { $0 == 0 ? -Float.greatestFiniteMagnitude : 0 }
        return Tensor(uncheckedShape: [batchSize, 1, 1, length], storage: ContiguousArray(values))
    }

    /// Checks every id against the vocabulary and every segment id against the type vocabulary before any
    /// tensor is touched, so a bad request is a typed error that names the offending position.
    public func validate(vocabularySize: Int, typeVocabularySize: Int, maxPositions: Int) throws(ModelError) {
        guard length <= maxPositions else {
            throw .invalidInput("sequence of \(length) tokens exceeds max_position_embeddings \(maxPositions)")
        }
        for (i, id) in ids.enumerated() where id < 0 || id >= vocabularySize {
            throw .invalidInput("token id \(id) at row \(i / length), position \(i % length) is outside the vocabulary of \(vocabularySize)")
        }
        for (i, id) in typeIds.enumerated() where id < 0 || id >= typeVocabularySize {
            throw .invalidInput("token type id \(id) at row \(i / length), position \(i % length) is outside 0..<\(typeVocabularySize)")
        }
    }
}
