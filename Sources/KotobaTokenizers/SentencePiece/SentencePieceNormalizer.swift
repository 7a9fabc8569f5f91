// SentencePiece's normaliser: precompiled rules, extra-whitespace removal, dummy prefix, whitespace escaping.
// Reference: sentencepiece v0.2.0 src/normalizer.cc, Normalizer::Normalize and Normalizer::NormalizePrefix
// https://github.com/google/sentencepiece/blob/v0.2.0/src/normalizer.cc
// Works on UTF-8 bytes, as the reference does; offsets back to the input are not kept (Marian needs ids only).

/// Applies a `NormalizerSpec` to text, exactly as `SentencePieceProcessor` does before segmentation.
struct SentencePieceNormalizer: Sendable {
    private let spec: ModelProto.NormalizerSpec
    private let charsMap: PrecompiledCharsMap?
    private let treatWhitespaceAsSuffix: Bool
    /// User-defined pieces are matched before the rules and copied through unnormalised (`PrefixMatcher`).
    private let userDefined: UnigramTrie<UInt8>?

    static let spaceSymbol: [UInt8] = Array("\u{2581}".utf8)

    init(model: ModelProto, path: String) throws(TokenizerError) {
        spec = model.normalizerSpec
        treatWhitespaceAsSuffix = model.trainerSpec.treatWhitespaceAsSuffix
        charsMap = spec.precompiledCharsmap.isEmpty ? nil : try PrecompiledCharsMap(spec.precompiledCharsmap, path: path)
        if !spec.normalizationRuleTSV.isEmpty && spec.precompiledCharsmap.isEmpty {
            // A rule TSV without its compiled form is what the trainer reads, not what the encoder runs.
            throw .unsupported(stage: "sentencepiece normalizer", type: "normalization_rule_tsv without precompiled_charsmap")
        }
        let user = model.pieces.enumerated().filter { $0.element.type == .userDefined }
        userDefined = user.isEmpty ? nil : UnigramTrie(user.map { (Array($0.element.piece.utf8), Int32($0.offset)) })
    }

    /// The normalised bytes of `text`.
    func normalize(_ text: String) -> [UInt8] {
        var input = Array(text.utf8)
        return input.withUnsafeMutableBufferPointer { buffer in normalize(UnsafeBufferPointer(buffer)) }
    }

    private func normalize(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        if input.isEmpty { return output }
        var matches: [PrecompiledCharsMap.Match] = []
        var position = 0
        // Ignores heading space.
        if spec.removeExtraWhitespaces {
            while position < input.count {
                let (rule, consumed) = prefix(input, at: position, matches: &matches)
                let isSpace = rule.map { Self.isSingleSpace(charsMap?.replacement(at: $0) ?? []) }
                    ?? Self.isSingleSpace(input[position..<(position + consumed)])
                if !isSpace { break }
                position += consumed
            }
        }
        if position == input.count { return output }
        output.reserveCapacity(input.count * 3)
        let space: [UInt8] = spec.escapeWhitespaces ? Self.spaceSymbol : [0x20]
        if !treatWhitespaceAsSuffix && spec.addDummyPrefix { output += space }
        var previousIsSpace = spec.removeExtraWhitespaces
        // Appends one normalised chunk: leading spaces dropped after a space, spaces escaped.
        func emit<Chunk: BidirectionalCollection<UInt8>>(_ chunk: Chunk) {
            var piece = chunk[...]
            if previousIsSpace {
                while piece.first == 0x20 { piece = piece.dropFirst() }
            }
            guard !piece.isEmpty else { return }
            for byte in piece {
                if spec.escapeWhitespaces && byte == 0x20 { output += Self.spaceSymbol } else { output.append(byte) }
            }
            previousIsSpace = piece.last == 0x20
        }
        while position < input.count {
            let (rule, consumed) = prefix(input, at: position, matches: &matches)
            if let rule, let charsMap { emit(charsMap.replacement(at: rule)) } else { emit(input[position..<(position + consumed)]) }
            position += consumed
            if !spec.removeExtraWhitespaces { previousIsSpace = false }
        }
        // Ignores trailing space.
        if spec.removeExtraWhitespaces {
            while output.count >= space.count, output.suffix(space.count).elementsEqual(space) {
                output.removeLast(space.count)
            }
        }
        if treatWhitespaceAsSuffix && spec.addDummyPrefix { output += space }
        return output
    }

    private static func isSingleSpace<Chunk: Collection<UInt8>>(_ chunk: Chunk) -> Bool {
        chunk.count == 1 && chunk.first == 0x20
    }

    /// `NormalizePrefix` without copying: the rule (a replacement offset) for the longest match at `position`,
    /// or nil to copy the consumed input bytes as they are, and how many bytes are consumed.
    private func prefix(
        _ input: UnsafeBufferPointer<UInt8>, at position: Int, matches: inout [PrecompiledCharsMap.Match]
    ) -> (rule: Int?, consumed: Int) {
        if let userDefined {
            var longest = 0
            userDefined.forEachPrefix(of: input, from: position) { length, _ in longest = length }
            if longest > 0 { return (nil, longest) }
        }
        let rest = UnsafeBufferPointer(rebasing: input[position...])
        if let charsMap {
            charsMap.commonPrefixSearch(rest, stopAtNUL: false, into: &matches)
            // sentencepiece keeps the longest of at most 32 results (kMaxTrieResultsSize).
            var best: PrecompiledCharsMap.Match?
            for match in matches.prefix(32) where best.map({ match.length > $0.length }) ?? true { best = match }
            if let best { return (best.value, best.length) }
        }
        // No rule: copy one UTF-8 character (Swift strings are valid UTF-8, so no U+FFFD case arises).
        return (nil, min(UnigramLattice.utf8Length(lead: rest[0]), rest.count))
    }
}
