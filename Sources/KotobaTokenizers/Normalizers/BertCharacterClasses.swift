// The character classes of tokenizers/src/normalizers/bert.rs and pre_tokenizers/bert.rs at tokenizers v0.23.3.
// `tokenizers` takes general categories from the `unicode_categories` crate (older than Swift's Unicode: a sweep over
// every code point found 143 punctuation, 514 Mn and all unassigned code points classified differently), so those
// come from `BertUnicodeTables`, generated from that sweep. White_Space comes from Rust's `char`; its small, stable set
// is spelled out in `isRustWhitespace` and checked on every code point (Tests/KotobaTokenizersTests/WordPieceUnicodeSweepTests).

/// Character predicates BERT's normalizer and pre-tokenizer use.
enum BertCharacterClasses {
    /// `is_whitespace` in bert.rs: tab, newline, carriage return, or Rust's `char::is_whitespace` (White_Space).
    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        isRustWhitespace(c)
    }

    /// `is_control` in bert.rs: general category C* (`unicode_categories`' `is_other`) except tab, LF and CR.
    static func isControl(_ c: Unicode.Scalar) -> Bool {
        if c == "\t" || c == "\n" || c == "\r" { return false }
        return BertUnicodeTables.other.containsScalar(c)
    }

    /// `is_chinese_char` in bert.rs, ranges copied as written there (note 0x2B920, not 0x2B820).
    static func isChinese(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: true
        default: false
        }
    }

    /// `is_bert_punc` in pre_tokenizers/bert.rs: ASCII punctuation or general category P*.
    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII {
            switch c.value {
            case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
            default: return false
            }
        }
        return BertUnicodeTables.punctuation.containsScalar(c)
    }

    /// Rust's `char::is_whitespace` (White_Space), used by the pre-tokenizer's first split. Spelled out because
    /// the set is small and stable and Swift's property lookup is a table search per call; the sweep checks it.
    static func isRustWhitespace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// `unicode_categories`' `is_mark_nonspacing` (Mn), used to strip accents after NFD.
    static func isNonspacingMark(_ c: Unicode.Scalar) -> Bool { BertUnicodeTables.nonspacingMark.containsScalar(c) }
}
