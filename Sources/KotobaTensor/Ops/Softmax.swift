import CKernels
import Foundation

extension Tensor {
    /// Softmax along the last axis, after adding `additiveMask` (broadcast against `self`, see `formSoftmax`).
    public func softmax(additiveMask: Tensor? = nil) throws(TensorError) -> Tensor {
        var result = self
        try result.formSoftmax(additiveMask: additiveMask)
        return result
    }

    /// Log-softmax along the last axis, computed as `x - max - log Σ exp(x - max)` so it never overflows; a row
    /// of `-inf` stays `-inf`.
    public func logSoftmax(additiveMask: Tensor? = nil) throws(TensorError) -> Tensor {
        var result = self
        try result.formLogSoftmax(additiveMask: additiveMask)
        return result
    }

    /// `logSoftmax` in place: no copy when the storage is not shared (a decoding step's logits, handed over).
    public mutating func formLogSoftmax(additiveMask: Tensor? = nil) throws(TensorError) {
        try forEachMaskedRow(additiveMask, operation: "logSoftmax", VectorMath.formLogSoftmax)
    }

    /// In-place softmax along the last axis.
    ///
    /// The mask is additive (0 to keep, a large negative number to drop) rather than boolean so the same buffer
    /// can carry padding, causality and ALiBi-style biases, exactly as transformers builds it. Its shape aligns to
    /// `self` from the right, size-1 axes broadcasting; its last axis must equal ours. Subtracting the row maximum
    /// first keeps `exp` finite; a row whose entries are all `-inf` becomes all zeros rather than NaN.
    public mutating func formSoftmax(additiveMask: Tensor? = nil) throws(TensorError) {
        try forEachMaskedRow(additiveMask, operation: "softmax", VectorMath.formSoftmax)
    }

    static func sum(_ row: UnsafeMutableBufferPointer<Float>) -> Float {
        var lanes = VectorMath.Lanes.zero
        var i = 0
        let base = UnsafeRawPointer(row.baseAddress!)
        while i + 8 <= row.count {
            lanes += base.loadUnaligned(fromByteOffset: i * 4, as: VectorMath.Lanes.self)
            i += 8
        }
        var total = lanes.sum()
        while i < row.count {
            total += row[i]
            i += 1
        }
        return total
    }

    static func maximum(_ row: UnsafeMutableBufferPointer<Float>) -> Float {
        var peak = -Float.infinity
        var i = 0
        if row.count >= 8 {
            var lanes = SIMD8<Float>(repeating: -.infinity)
            let base = UnsafeRawPointer(row.baseAddress!)
            while i + 8 <= row.count {
                let next = base.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                lanes.replace(with: next, where: next .> lanes)
                i += 8
            }
            peak = lanes.max()
        }
        while i < row.count {
            peak = Swift.max(peak, row[i])
            i += 1
        }
        return peak
    }

    /// Calls `body` on every last-axis row of `self` after adding the matching row of `mask` to it; rows are
    /// independent, so large tensors (attention scores) are split across the BLAS threads.
    private mutating func forEachMaskedRow(
        _ mask: Tensor?, operation: String, _ body: (UnsafeMutableBufferPointer<Float>) -> Void
    ) throws(TensorError) {
        guard rank >= 1 else { throw .shapeMismatch(operation: operation, expected: [-1], found: shape) }
        let width = shape[rank - 1]
        let rows = width == 0 ? 0 : count / width
        let maskRowOffsets = try mask.map { mask throws(TensorError) in
            try Self.broadcastRowOffsets(mask: mask.shape, over: shape, operation: operation)
        }
        let maskStorage = mask?.storage ?? []
        storage.withUnsafeMutableBufferPointer { values in
            maskStorage.withUnsafeBufferPointer { maskValues in
                let (base, maskBase) = (values.baseAddress, maskValues.baseAddress)
                Parallel.forEachRange(rows, minimumPerThread: Swift.max(1, 16_384 / Swift.max(width, 1))) { range in
                    guard let base else { return }
                    for r in range {
                        let row = UnsafeMutableBufferPointer(start: base + r * width, count: width)
                        if let maskRowOffsets, let maskBase {
                            let maskRow = maskBase + maskRowOffsets[r]
                            for i in 0..<width { row[i] += maskRow[i] }
                        }
                        body(row)
                    }
                }
            }
        }
    }

    /// For each last-axis row of a tensor of shape `target`, the storage offset of the row of `mask` it meets
    /// under right-aligned broadcasting.
    static func broadcastRowOffsets(mask: [Int], over target: [Int], operation: String) throws(TensorError) -> [Int] {
        guard mask.count >= 1, mask.count <= target.count, mask.last == target.last else {
            throw .shapeMismatch(operation: operation + " mask", expected: target, found: mask)
        }
        let lead = target.count - mask.count
        let padded = [Int](repeating: 1, count: lead) + mask
        for (m, t) in zip(padded, target) where m != t && m != 1 {
            throw .shapeMismatch(operation: operation + " mask", expected: target, found: mask)
        }
        // Row strides of the mask over the leading axes; a broadcast (size-1) axis contributes nothing.
        let leading = target.dropLast().count
        var strides = [Int](repeating: 0, count: leading)
        var step = target[target.count - 1]
        for axis in stride(from: leading - 1, through: 0, by: -1) {
            strides[axis] = padded[axis] == 1 ? 0 : step
            step *= padded[axis]
        }
        let rows = target.dropLast().reduce(1, *)
        var offsets = [Int](repeating: 0, count: rows)
        var index = [Int](repeating: 0, count: leading)
        var offset = 0
        for r in 0..<rows {
            offsets[r] = offset
            // Odometer increment over the leading axes, updating the offset incrementally.
            var axis = leading - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < target[axis] { break }
                offset -= strides[axis] * index[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return offsets
    }
}
