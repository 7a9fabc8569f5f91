import KotobaTensor

/// `nn.Embedding`: a `[rows, width]` table looked up by id.
public struct Embedding: Sendable {
    /// `[rows, width]`.
    public let table: Tensor

    /// A lookup over `table`.
    public init(table: Tensor) {
        self.table = table
    }

    /// Number of ids the table covers.
    public var rows: Int { table.shape[0] }
    /// Width of each row.
    public var width: Int { table.shape[1] }

    /// `ids` → `[ids.count, width]`; an id outside the table is `TensorError.indexOutOfRange`.
    public func callAsFunction(_ ids: [Int]) throws(TensorError) -> Tensor {
        try table.gatherRows(ids)
    }
}

extension WeightStore {
    /// The `nn.Embedding` at `name` (`name.weight`, `[rows, width]`).
    public func embedding(_ name: String, rows: Int, width: Int) throws(ModelError) -> Embedding {
        Embedding(table: try scoped(name).tensor("weight", shape: [rows, width]))
    }
}
