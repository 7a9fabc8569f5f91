/// A dense, row-major Float32 tensor over contiguous storage.
///
/// Value semantics come from `ContiguousArray`: copies are cheap until written. Hot loops go through
/// `withUnsafeBufferPointer` / `withUnsafeMutableBufferPointer` so no element access allocates or bounds-checks.
public struct Tensor: Sendable, Equatable {
    /// Extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// Elements in row-major order; `storage.count == shape.product`.
    public var storage: ContiguousArray<Float>

    /// A tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.storage = ContiguousArray(repeating: value, count: shape.reduce(1, *))
    }

    /// A tensor that takes ownership of `storage`; throws when the element count does not match `shape`.
    public init(shape: [Int], storage: ContiguousArray<Float>) throws(TensorError) {
        let count = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), count == storage.count else {
            throw .shapeMismatch(operation: "init", expected: shape, found: [storage.count])
        }
        self.shape = shape
        self.storage = storage
    }

    /// A tensor from any sequence of floats; throws when the element count does not match `shape`.
    public init(shape: [Int], _ values: some Sequence<Float>) throws(TensorError) {
        try self.init(shape: shape, storage: ContiguousArray(values))
    }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Total number of elements.
    public var count: Int { storage.count }

    /// The same elements viewed under another shape of equal element count.
    public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
        try Tensor(shape: newShape, storage: storage)
    }

    /// Row `index` of a rank-2 tensor, or the sub-tensor at `index` along the first dimension.
    public func slice(_ index: Int) -> Tensor {
        precondition(rank >= 1 && index >= 0 && index < shape[0], "slice \(index) out of \(shape)")
        let inner = Array(shape.dropFirst())
        let stride = inner.reduce(1, *)
        let start = index * stride
        return Tensor(uncheckedShape: inner, storage: ContiguousArray(storage[start..<(start + stride)]))
    }

    /// Element at a multi-dimensional index (tests and debugging; hot paths use buffers).
    public subscript(_ index: Int...) -> Float {
        get { storage[flatIndex(index)] }
        set { storage[flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "index \(index) for shape \(shape)")
        var flat = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "index \(index) out of \(shape)")
            flat = flat * extent + i
        }
        return flat
    }

    /// Storage for an op's result that the op overwrites completely (a BLAS product with `beta = 0`, a gather):
    /// skipping the zero fill saves a pass over megabytes per layer. Pass `overwritten: false` when some
    /// element may not be written (an empty contraction), to get zeros.
    package static func outputStorage(count: Int, overwritten: Bool) -> ContiguousArray<Float> {
        guard overwritten else { return ContiguousArray(repeating: 0, count: count) }
        return ContiguousArray(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Internal initialiser for results whose shape and storage are consistent by construction.
    package init(uncheckedShape shape: [Int], storage: ContiguousArray<Float>) {
        self.shape = shape
        self.storage = storage
    }
}
