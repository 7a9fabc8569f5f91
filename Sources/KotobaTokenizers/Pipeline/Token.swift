/// A token produced by a model for one word: its id, its text, and its span in that word's normalized scalars.
package struct Token: Sendable, Equatable {
    package var id: Int
    package var value: String
    /// Normalized scalar range inside the word the model was given.
    package var offsets: Range<Int>

    package init(id: Int, value: String, offsets: Range<Int>) {
        self.id = id
        self.value = value
        self.offsets = offsets
    }
}
