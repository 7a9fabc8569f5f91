import KotobaTokenizers

/// Loading a `.spm` (serialized sentencepiece ModelProto) from arbitrary bytes. Rules: it loads or is
/// refused with a `TokenizerError`; a model that loads encodes sample text into ids of its own pieces.
enum SentencePieceModelTarget {
    static let target = FuzzTarget(
        name: "spm",
        summary: ".spm loading: loads or refuses; what loads encodes samples into its own ids"
    ) { bytes throws(InvariantFailure) in
        guard let tokenizer = try? SentencePieceTokenizer(serialized: bytes, path: "fuzz.spm") else { return }
        for text in TokenizerJSONTarget.samples {
            for piece in tokenizer.encodePieces(text) {
                try expect(piece.id >= 0 && piece.id < tokenizer.pieceCount,
                           "id \(piece.id) outside \(tokenizer.pieceCount) pieces")
            }
        }
    }
}
