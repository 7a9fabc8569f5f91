import KotobaTensor

/// Unaligned eight-float loads and stores for the gate loops.
@inline(__always)
func lanes(_ p: UnsafePointer<Float>, _ offset: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + offset).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func store(_ value: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ offset: Int) {
    UnsafeMutableRawPointer(p + offset).storeBytes(of: value, as: SIMD8<Float>.self)
}

/// Pre-activation of gate block `gate` at lanes `j..<j+8`: `(x W_ihᵀ + b_ih) + h W_hhᵀ + b_hh`.
@inline(__always)
func preactivation(_ gx: UnsafePointer<Float>, _ gh: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                   gate: Int, hidden: Int, _ j: Int) -> SIMD8<Float> {
    let o = gate * hidden + j
    return lanes(gx, o) + lanes(gh, o) + lanes(bias, o)
}
