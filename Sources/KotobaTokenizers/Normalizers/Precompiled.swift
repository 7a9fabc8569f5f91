// tokenizers v0.23.3 tokenizers/src/normalizers/precompiled.rs with spm_precompiled 0.1.4 (`Precompiled::transform`).
// This is not sentencepiece's own normaliser (see SentencePieceNormalizer): it walks extended grapheme clusters;
// a cluster shorter than 6 UTF-8 bytes is looked up whole, else scalar by scalar. A lookup takes the *first*
// (shortest) trie key that prefixes the chunk and replaces the whole chunk with its string. tokenizers' comment
// on that rule: "Yes, this is weird ... check this normalizer against XNLI ... If you don't get 100% ... You don't
// pass." Kotoba reproduces it, including the alignment marks of its `replace` helper.
import Foundation

/// tokenizer.json `"type": "Precompiled"`: sentencepiece's compiled normalisation rules.
package struct Precompiled: Normalizer {
    package let charsMap: PrecompiledCharsMap

    package init(charsMap: PrecompiledCharsMap) { self.charsMap = charsMap }

    init(_ config: StageConfig) throws(TokenizerError) {
        let encoded = try config.string("precompiled_charsmap")
        guard let data = Data(base64Encoded: encoded) else {
            throw .invalidConfiguration(stage: "normalizer Precompiled", reason: "precompiled_charsmap is not base64")
        }
        do {
            self.init(charsMap: try PrecompiledCharsMap([UInt8](data), path: "tokenizer.json"))
        } catch {
            throw .invalidConfiguration(stage: "normalizer Precompiled", reason: "\(error)")
        }
    }

    package func normalize(_ text: inout NormalizedString) throws(TokenizerError) {
        var changes: [(Unicode.Scalar, Int)] = []
        changes.reserveCapacity(text.count)
        var modified = false
        var matches: [PrecompiledCharsMap.Match] = []
        var utf8: [UInt8] = []
        for grapheme in text.string {
            let scalars = Array(grapheme.unicodeScalars)
            utf8.removeAll(keepingCapacity: true)
            utf8.append(contentsOf: String(grapheme).utf8)
            if utf8.count < 6, let replacement = transform(utf8, &matches) {
                modified = true
                Self.replace(&changes, old: scalars.count, new: replacement)
                continue
            }
            for scalar in scalars {
                utf8.removeAll(keepingCapacity: true)
                utf8.append(contentsOf: String(scalar).utf8)
                if let replacement = transform(utf8, &matches) {
                    modified = true
                    Self.replace(&changes, old: 1, new: replacement)
                } else {
                    changes.append((scalar, 0))
                }
            }
        }
        if modified { text.transform(changes) }
    }

    /// The replacement for the shortest rule that prefixes `chunk`, or nil.
    private func transform(_ chunk: [UInt8], _ matches: inout [PrecompiledCharsMap.Match]) -> [Unicode.Scalar]? {
        chunk.withUnsafeBufferPointer { charsMap.commonPrefixSearch($0, stopAtNUL: true, into: &matches) }
        guard let first = matches.first else { return nil }
        return Array(String(decoding: charsMap.replacement(at: first.value), as: UTF8.self).unicodeScalars)
    }

    /// spm_precompiled's `replace`: new scalars are marked 0; if there are more of them than old ones, the last
    /// `diff` are marked +1; if fewer, the last mark so far absorbs the difference.
    private static func replace(_ changes: inout [(Unicode.Scalar, Int)], old: Int, new: [Unicode.Scalar]) {
        changes += new.map { ($0, 0) }
        let diff = new.count - old
        if diff > 0 {
            for i in (changes.count - diff)..<changes.count { changes[i].1 = 1 }
        } else if diff < 0, !changes.isEmpty {
            changes[changes.count - 1].1 += diff
        }
    }
}
