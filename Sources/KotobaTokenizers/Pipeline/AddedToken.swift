// Mirrors tokenizers/src/tokenizer/added_vocabulary.rs (AddedToken) at tokenizers v0.23.3.

/// A token matched in the raw text before the model runs, never split (tokenizer.json `added_tokens`).
package struct AddedToken: Sendable, Equatable {
    package var content: String
    /// Match only when not inside a word (`single_word`).
    package var singleWord: Bool
    /// Also take the whitespace before the match (`lstrip`).
    package var lstrip: Bool
    /// Also take the whitespace after the match (`rstrip`).
    package var rstrip: Bool
    /// Match against the normalized text rather than the original (`normalized`).
    package var normalized: Bool
    /// Special tokens are skipped by `decode(skipSpecialTokens: true)` (`special`).
    package var special: Bool

    /// Defaults as `AddedToken::from(content, special)`: special tokens are matched on the original text.
    package init(_ content: String, special: Bool, singleWord: Bool = false, lstrip: Bool = false,
                rstrip: Bool = false, normalized: Bool? = nil) {
        self.content = content
        self.special = special
        self.singleWord = singleWord
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.normalized = normalized ?? !special
    }

    package static func == (lhs: AddedToken, rhs: AddedToken) -> Bool {
        lhs.content.unicodeScalars.elementsEqual(rhs.content.unicodeScalars) && lhs.singleWord == rhs.singleWord
            && lhs.lstrip == rhs.lstrip && lhs.rstrip == rhs.rstrip && lhs.normalized == rhs.normalized
            && lhs.special == rhs.special
    }
}

/// A string compared and hashed by its scalars (Rust `String` semantics), for sets and dictionary keys.
struct ScalarKey: Hashable, Sendable {
    let scalars: [UInt32]
    init(_ text: String) { scalars = text.unicodeScalars.map(\.value) }
}
