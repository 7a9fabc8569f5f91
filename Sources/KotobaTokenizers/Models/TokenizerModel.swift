/// The `model` stage: turns one word (normalized scalars) into tokens (tokenizers/src/models/).
/// Implementations are one file per tokenizer.json `type` in this folder, registered in `StageFactory.model(_:)`.
package protocol TokenizerModel: Sendable {
    /// The tokens of `word`, with offsets in `word`'s scalars.
    func tokenize(_ word: [Unicode.Scalar]) throws(TokenizerError) -> [Token]
    /// The id of a vocabulary entry (scalar-exact), or nil.
    func id(forToken token: String) -> Int?
    /// The vocabulary entry with this id, or nil.
    func token(forId id: Int) -> String?
    /// Number of vocabulary entries (`Model::get_vocab_size`).
    var vocabularySize: Int { get }
    /// One past the largest id the model can emit: the embedding rows it needs, which exceeds
    /// `vocabularySize` when the ids have gaps.
    var idLimit: Int { get }
}
