/// Every fuzz target, by name; each has a seed folder `Fuzz/Corpus/<name>/`.
enum FuzzTargets {
    static let all: [FuzzTarget] = [
        RequestParserTarget.target,
        ConnectionTarget.target,
        ChunkedBodyTarget.target,
        InflaterTarget.target,
        JSONRoundTripTarget.target,
        RequestJSONTarget.target,
        TokenizerEncodeTargets.wordPiece,
        TokenizerEncodeTargets.unigram,
        TokenizerEncodeTargets.bpe,
        SentencePieceEncodeTarget.target,
        TokenizerJSONTarget.target,
        SentencePieceModelTarget.target,
        SafeTensorsHeaderTarget.target,
    ]

    static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
