/// Eight-lane `exp`, `sigmoid` and `tanh` for recurrent gate math (LSTM/GRU cells apply them to every gate of every
/// row at every step, so as libm calls they cost about as much as the recurrent matrix product itself).
///
/// `exp` is Cephes' `expf` (S. Moshier, cephes/single/expf.c): range reduction `x = n·ln2 + r` with ln2 split in two
/// constants, a degree-6 polynomial for `e^r`, and `2^n` built in the exponent bits; its relative error is within a
/// few ulp over the clamped range `[-88.38, 88.38]`, far inside Kotoba's 1e-4 parity tolerance.
public enum RecurrentGates {
    /// `e^x` per lane.
    @inlinable
    public static func exp(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let x = v.clamped(lowerBound: SIMD8(repeating: -88.3762626647949), upperBound: SIMD8(repeating: 88.3762626647949))
        let n = (x * 1.44269504088896341 + 0.5).rounded(.down)
        var r = x - n * 0.693359375
        r = r - n * -2.12194440e-4
        var p = SIMD8<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * (r * r) + r + 1
        let exponent = (SIMD8<Int32>(n, rounding: .towardZero) &+ 127) &<< 23
        return y * unsafeBitCast(exponent, to: SIMD8<Float>.self)
    }

    /// `1 / (1 + e^-x)` per lane.
    @inlinable
    public static func sigmoid(_ v: SIMD8<Float>) -> SIMD8<Float> {
        1 / (1 + exp(-v))
    }

    /// `tanh x = 1 − 2 / (e^{2x} + 1)` per lane; saturates to ±1 without overflow because `exp` is clamped.
    @inlinable
    public static func tanh(_ v: SIMD8<Float>) -> SIMD8<Float> {
        1 - 2 / (exp(v + v) + 1)
    }
}
