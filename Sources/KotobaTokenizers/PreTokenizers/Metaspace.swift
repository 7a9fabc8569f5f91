// tokenizers v0.23.3 tokenizers/src/pre_tokenizers/metaspace.rs (Metaspace::pre_tokenize):
// spaces become the replacement, which is prepended per `prepend_scheme`, then (with `split`) each replacement
// starts a new word (MergedWithNext).

/// tokenizer.json pre-tokenizer `"type": "Metaspace"`.
package struct Metaspace: PreTokenizer {
    /// When the replacement is prepended: to every piece, only to the piece at the start of the input, never.
    package enum PrependScheme: String, Sendable {
        case always, first, never
    }

    package let replacement: Unicode.Scalar
    package let prependScheme: PrependScheme
    package let split: Bool

    package init(replacement: Unicode.Scalar = "\u{2581}", prependScheme: PrependScheme = .always, split: Bool = true) {
        self.replacement = replacement
        self.prependScheme = prependScheme
        self.split = split
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        let (replacement, scheme) = try Self.read(config)
        self.init(replacement: replacement, prependScheme: scheme, split: try config.bool("split", default: true))
    }

    /// `replacement` (one char) and `prepend_scheme` (or the legacy `add_prefix_space`), shared with the decoder.
    static func read(_ config: StageConfig) throws(TokenizerError) -> (Unicode.Scalar, PrependScheme) {
        let text = try config.optionalString("replacement") ?? "\u{2581}"
        guard text.unicodeScalars.count == 1, let replacement = text.unicodeScalars.first else {
            throw .invalidConfiguration(stage: "\(config.stage) Metaspace", reason: "replacement must be one character")
        }
        var scheme = PrependScheme.always
        if let raw = try config.optionalString("prepend_scheme") {
            guard let parsed = PrependScheme(rawValue: raw) else {
                throw .unsupportedOption(stage: "\(config.stage) Metaspace", option: "prepend_scheme", value: raw)
            }
            scheme = parsed
        } else if try config.optionalBool("add_prefix_space") == false {
            scheme = .never
        }
        return (replacement, scheme)
    }

    package func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        let replacement = self.replacement
        text.split { _, piece in
            var piece = piece
            piece.replace(.literal(" "), with: [replacement])
            let startsWithReplacement = piece.scalars.first == replacement
            switch prependScheme {
            case .always where !startsWithReplacement: piece.prepend([replacement])
            case .first where !startsWithReplacement && Self.startsAtInputStart(piece): piece.prepend([replacement])
            default: break
            }
            guard split else { return [piece] }
            return piece.split(piece.matches(where: { $0 == replacement }), behavior: .mergedWithNext)
        }
    }

    /// `offsets_original().0 == 0` as tokenizers 0.23.3 evaluates it: the original position of the piece's first
    /// normalized scalar. A normalizer that dropped leading text (`Replace("\\A +", "")`) moves it past 0, and the
    /// reference then does not prepend; the corpus's "  leading and trailing  " line pins this.
    private static func startsAtInputStart(_ piece: NormalizedString) -> Bool {
        (piece.alignments.first?.start ?? piece.originalSpan.start) == 0
    }
}
