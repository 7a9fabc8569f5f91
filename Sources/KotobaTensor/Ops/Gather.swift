extension Tensor {
    /// Rows `ids` of a `[rows, width]` table, as `[ids.count, width]`: an embedding lookup.
    ///
    /// An id outside `0..<rows` is a typed error, never an out-of-bounds read: ids come from tokenizers and
    /// requests, which this module cannot trust to match the table.
    public func gatherRows(_ ids: [Int]) throws(TensorError) -> Tensor {
        guard rank == 2 else { throw .shapeMismatch(operation: "gatherRows", expected: [-1, -1], found: shape) }
        let (rows, width) = (shape[0], shape[1])
        for id in ids where id < 0 || id >= rows {
            throw .indexOutOfRange(operation: "gatherRows", index: id, bound: rows)
        }
        var result = Tensor.outputStorage(count: ids.count * width, overwritten: true)
        storage.withUnsafeBufferPointer { table in
            result.withUnsafeMutableBufferPointer { output in
                guard width > 0 else { return }
                for (r, id) in ids.enumerated() {
                    (output.baseAddress! + r * width).update(from: table.baseAddress! + id * width, count: width)
                }
            }
        }
        return Tensor(uncheckedShape: [ids.count, width], storage: result)
    }
}
