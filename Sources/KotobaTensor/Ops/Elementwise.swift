extension Tensor {
    /// `self + other`, where `other` has `self`'s shape or a suffix of it (a bias row, a position table...).
    public static func + (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
        var result = lhs
        try result.add(rhs)
        return result
    }

    /// `self * other` elementwise, where `other` has `self`'s shape or a suffix of it.
    public static func * (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
        var result = lhs
        try result.multiply(by: rhs)
        return result
    }

    /// `self * scalar`.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor {
        var result = lhs
        result.scale(by: rhs)
        return result
    }

    /// Adds `other` in place, repeating it over the leading axes when its shape is a suffix of ours.
    public mutating func add(_ other: Tensor) throws(TensorError) {
        try combine(other, operation: "add") { $0 + $1 } scalar: { $0 + $1 }
    }

    /// Multiplies by `other` in place, repeating it over the leading axes when its shape is a suffix of ours.
    public mutating func multiply(by other: Tensor) throws(TensorError) {
        try combine(other, operation: "multiply") { $0 * $1 } scalar: { $0 * $1 }
    }

    /// Multiplies every element by `factor` in place.
    public mutating func scale(by factor: Float) {
        storage.withUnsafeMutableBufferPointer { values in
            let raw = UnsafeMutableRawPointer(values.baseAddress)
            var i = 0
            while i + 8 <= values.count, let raw {
                let lanes = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                raw.storeBytes(of: lanes * factor, toByteOffset: i * 4, as: SIMD8<Float>.self)
                i += 8
            }
            while i < values.count {
                values[i] *= factor
                i += 1
            }
        }
    }

    @inline(__always)
    private mutating func combine(
        _ other: Tensor, operation: String,
        _ lanes: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>, scalar: (Float, Float) -> Float
    ) throws(TensorError) {
        guard other.rank <= rank, Array(shape.suffix(other.rank)) == other.shape else {
            throw .shapeMismatch(operation: operation, expected: shape, found: other.shape)
        }
        let width = other.count
        guard width > 0 else { return }
        let repeats = count / width
        storage.withUnsafeMutableBufferPointer { values in
            other.storage.withUnsafeBufferPointer { operand in
                let source = UnsafeRawPointer(operand.baseAddress!)
                for r in 0..<repeats {
                    let target = UnsafeMutableRawPointer(values.baseAddress! + r * width)
                    var i = 0
                    while i + 8 <= width {
                        let x = target.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                        let y = source.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                        target.storeBytes(of: lanes(x, y), toByteOffset: i * 4, as: SIMD8<Float>.self)
                        i += 8
                    }
                    while i < width {
                        values[r * width + i] = scalar(values[r * width + i], operand[i])
                        i += 1
                    }
                }
            }
        }
    }
}
