import CKernels
import KotobaTensor

/// `nn.Embedding`: a `[rows, width]` table looked up by id.
///
/// A table loaded from F16 stays halves, read in place from the checkpoint's mapping, and a lookup converts only
/// the rows it returns: a vocabulary table is the largest tensor of a small model, and most of it is never read.
public struct Embedding: Sendable {
    /// Number of ids the table covers.
    public let rows: Int
    /// Width of each row.
    public let width: Int
    private let floats: Tensor?
    private let halves: HalfWeights?

    /// A lookup over `table` (`[rows, width]` floats).
    public init(table: Tensor) {
        precondition(table.rank == 2, "an embedding table is [rows, width]")
        (rows, width) = (table.shape[0], table.shape[1])
        floats = table
        halves = nil
    }

    /// A lookup over `halves`, `[rows, width]` IEEE half bit patterns.
    public init(halves: HalfWeights, rows: Int, width: Int) {
        precondition(halves.count == rows * width, "\(halves.count) halves for [\(rows), \(width)]")
        (self.rows, self.width) = (rows, width)
        floats = nil
        self.halves = halves
    }

    /// `[rows, width]` as floats (a converted copy for a table kept as halves).
    public var table: Tensor {
        floats ?? Tensor(uncheckedShape: [rows, width], storage: halves?.floats ?? [])
    }

    /// `ids` → `[ids.count, width]`; an id outside the table is `TensorError.indexOutOfRange`.
    public func callAsFunction(_ ids: [Int]) throws(TensorError) -> Tensor {
        guard let halves else { return try floats!.gatherRows(ids) }
        for id in ids where id < 0 || id >= rows {
            throw .indexOutOfRange(operation: "gatherRows", index: id, bound: rows)
        }
        let width = self.width
        let result = ContiguousArray<Float>(unsafeUninitializedCapacity: ids.count * width) { output, count in
            halves.withUnsafeBufferPointer { table in
                guard width > 0, let table = table.baseAddress, let output = output.baseAddress else { return }
                for (r, id) in ids.enumerated() {
                    kotoba_halves_to_floats(table + id * width, output + r * width, width)
                }
            }
            count = ids.count * width
        }
        return Tensor(uncheckedShape: [ids.count, width], storage: result)
    }

    /// The output projection tied to this table (`x · tableᵀ + bias`), sharing its storage: the same halves for a
    /// table kept as halves, the same floats otherwise.
    public func tiedProjection(bias: Tensor?, quantization: Quantization = .none) -> Linear {
        if let halves {
            return Linear(halves: halves, outFeatures: rows, inFeatures: width, bias: bias).quantized(quantization)
        }
        return Linear(weight: floats!, bias: bias, quantization: quantization)
    }
}

extension WeightStore {
    /// The `nn.Embedding` at `name` (`name.weight`, `[rows, width]`).
    public func embedding(_ name: String, rows: Int, width: Int) throws(ModelError) -> Embedding {
        let scope = scoped(name)
        if let halves = try scope.halves("weight", shape: [rows, width]) {
            return Embedding(halves: halves, rows: rows, width: width)
        }
        return Embedding(table: try scope.tensor("weight", shape: [rows, width]))
    }
}
