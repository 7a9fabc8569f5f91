import KotobaTensor

extension Embedding {
    /// `ids` → `[ids.count, width]`, an id outside the table being `ModelError.invalidInput` naming the table: token
    /// ids come from requests, so a bad one is the caller's error, reported as such.
    func tokens(_ ids: [Int], table name: String) throws(ModelError) -> Tensor {
        do { return try self(ids) } catch {
            if case let .indexOutOfRange(_, index, bound) = error {
                throw .invalidInput("\(name): id \(index) outside the embedding table of \(bound) rows")
            }
            throw .invalidInput("\(name): \(error)")
        }
    }
}
