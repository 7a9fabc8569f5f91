// Decomposition and recomposition with `tokenizers`' alignment marks, for the NFC / NFKC normalizers.
// tokenizers v0.23.3 (tokenizers/src/tokenizer/normalizer.rs, `nfc`, `nfkc`) calls `transform` with the
// (char, change) stream of the unicode-normalization-alignments 0.1.12 crate:
//   decompose: each source scalar yields its full decomposition, the first scalar marked 0 and the rest +1;
//     runs of non-starters are then stably sorted by combining class, carrying their marks;
//   recompose (recompose.rs): a starter `k` that composes with a following, unblocked `ch` becomes their
//     primary composite marked `change(k) + change(ch) - 1`, so composing two source scalars into one is a -1.
// Decomposition mappings and primary composites come from Foundation's normalisation of one scalar / pair,
// except Hangul, composed arithmetically (Unicode 15, section 3.12): Swift's NFC does not join a precomposed LV
// syllable with a following trailing jamo (U+C544 U+11AB stays two scalars), which the crate composes.
import Foundation

extension NormalizedString {
    /// NFC (`compatibility == false`) or NFKC with `tokenizers`' alignments.
    mutating func compose(compatibility: Bool) {
        var changes = Self.decomposed(scalars, compatibility: compatibility)
        changes = Self.recomposed(changes)
        transform(changes)
    }

    /// NFD / NFKD as (scalar, change): full decomposition per scalar, non-starter runs stably sorted.
    static func decomposed(_ scalars: [Unicode.Scalar], compatibility: Bool) -> [(Unicode.Scalar, Int)] {
        var changes: [(Unicode.Scalar, Int)] = []
        changes.reserveCapacity(scalars.count + scalars.count / 4)
        var runStart = 0
        for scalar in scalars {
            for (k, d) in decomposition(of: scalar, compatibility: compatibility).enumerated() {
                let mark = k == 0 ? 0 : 1
                if d.properties.canonicalCombiningClass.rawValue == 0 {
                    sortByCombiningClass(&changes, from: runStart)
                    changes.append((d, mark))
                    runStart = changes.count
                } else {
                    changes.append((d, mark))
                }
            }
        }
        sortByCombiningClass(&changes, from: runStart)
        return changes
    }

    /// The canonical composition pass over a decomposed stream (recompose.rs, `Recompositions::next`).
    static func recomposed(_ input: [(Unicode.Scalar, Int)]) -> [(Unicode.Scalar, Int)] {
        var output: [(Unicode.Scalar, Int)] = []
        output.reserveCapacity(input.count)
        var composee: (Unicode.Scalar, Int)?
        var lastClass: UInt8?
        // Non-starters that did not compose, emitted after the composee once it is settled.
        var buffer: [(Unicode.Scalar, Int)] = []
        for (ch, change) in input {
            let chClass = ch.properties.canonicalCombiningClass.rawValue
            guard let (k, changeK) = composee else {
                if chClass != 0 {
                    output.append((ch, change))
                } else {
                    composee = (ch, change)
                }
                continue
            }
            if let l = lastClass {
                if l >= chClass {
                    // `ch` is blocked from the composee.
                    if chClass == 0 {
                        output.append((k, changeK))
                        output += buffer
                        buffer.removeAll(keepingCapacity: true)
                        composee = (ch, change)
                        lastClass = nil
                    } else {
                        buffer.append((ch, change))
                        lastClass = chClass
                    }
                    continue
                }
                if let r = primaryComposite(k, ch) {
                    composee = (r, changeK + change - 1)
                } else {
                    buffer.append((ch, change))
                    lastClass = chClass
                }
            } else if let r = primaryComposite(k, ch) {
                composee = (r, changeK + change - 1)
            } else if chClass == 0 {
                output.append((k, changeK))
                composee = (ch, change)
            } else {
                buffer.append((ch, change))
                lastClass = chClass
            }
        }
        if let composee { output.append(composee) }
        output += buffer
        return output
    }

    private static func sortByCombiningClass(_ changes: inout [(Unicode.Scalar, Int)], from start: Int) {
        guard changes.count - start > 1 else { return }
        for i in (start + 1)..<changes.count {
            let item = changes[i]
            let ccc = item.0.properties.canonicalCombiningClass.rawValue
            var j = i
            while j > start, changes[j - 1].0.properties.canonicalCombiningClass.rawValue > ccc {
                changes[j] = changes[j - 1]
                j -= 1
            }
            changes[j] = item
        }
    }

    /// The full canonical or compatibility decomposition of one scalar.
    static func decomposition(of scalar: Unicode.Scalar, compatibility: Bool) -> [Unicode.Scalar] {
        // Nothing below U+00A0 decomposes (U+00A0 itself does, to a space, under NFKD).
        guard scalar.value >= 0xA0 else { return [scalar] }
        let text = String(Character(scalar))
        let mapped = compatibility ? text.decomposedStringWithCompatibilityMapping : text.decomposedStringWithCanonicalMapping
        return Array(mapped.unicodeScalars)
    }

    /// The primary composite of `a` followed by `b`, if any (composition exclusions and Hangul included).
    static func primaryComposite(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Unicode.Scalar? {
        if let hangul = hangulComposite(a.value, b.value) { return hangul }
        // Every canonical composition's second scalar is at or above U+0300; CJK ideographs, kana (other than the
        // voiced sound marks U+3099/U+309A) and Hangul syllables never are one.
        let v = b.value
        if v < 0x300 || (0x3040..<0x3099).contains(v) || (0x309B..<0x3100).contains(v)
            || (0x4E00...0x9FFF).contains(v) || (0xAC00...0xD7A3).contains(v) { return nil }
        var pair = String.UnicodeScalarView()
        pair.append(a)
        pair.append(b)
        let composed = String(pair).precomposedStringWithCanonicalMapping.unicodeScalars
        guard composed.count == 1, let r = composed.first else { return nil }
        return r
    }

    /// Hangul L + V → LV and LV + T → LVT (Unicode section 3.12, "Hangul Syllable Composition").
    private static func hangulComposite(_ a: UInt32, _ b: UInt32) -> Unicode.Scalar? {
        let sBase: UInt32 = 0xAC00, lBase: UInt32 = 0x1100, vBase: UInt32 = 0x1161, tBase: UInt32 = 0x11A7
        let vCount: UInt32 = 21, tCount: UInt32 = 28, sCount: UInt32 = 11172
        if (lBase..<(lBase + 19)).contains(a) && (vBase..<(vBase + vCount)).contains(b) {
            return Unicode.Scalar(sBase + ((a - lBase) * vCount + (b - vBase)) * tCount)
        }
        if (sBase..<(sBase + sCount)).contains(a) && (a - sBase) % tCount == 0 && ((tBase + 1)..<(tBase + tCount)).contains(b) {
            return Unicode.Scalar(a + (b - tBase))
        }
        return nil
    }
}
