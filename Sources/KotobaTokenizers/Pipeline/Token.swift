/// A token produced by a model for one word: its id, its text, and its span in that word's normalized scalars.
public struct Token: Sendable, Equatable {
    public var id: Int
    public var value: String
    /// Normalized scalar range inside the word the model was given.
    public var offsets: Range<Int>

    public init(id: Int, value: String, offsets: Range<Int>) {
        self.id = id
        self.value = value
        self.offsets = offsets
    }
}
