import CKernels
import Foundation

/// Eight-lane `exp`, `erf`, `tanh` for the pointwise ops, so that no hot loop calls libm once per element.
///
/// `exp` is Cephes' `expf` (range reduction by `ln 2` in two parts, a degree-6 polynomial; ≤ 2 ulp on
/// [-87, 88]). `erf` is Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7, ≤ 5e-7 in Float arithmetic), the approximation PyTorch's vectorised
/// CPU kernels use for exact GELU, so our GELU tracks PyTorch's to a few 1e-8.
public enum VectorMath {
    public typealias Lanes = SIMD8<Float>

    /// `e^x` per lane; 0 below the smallest normal result, +inf above `88.72`.
    ///
    /// Written with plain lane arithmetic and bit casts only: the generic `rounded(_:)`, `clamped` and
    /// float-to-integer conversions on `SIMD8` compile to per-lane library calls, which cost more than libm.
    @inlinable @inline(__always)
    public static func exp(_ x: Lanes) -> Lanes {
        let low = Lanes(repeating: -87.33654), high = Lanes(repeating: 88.72283)
        var clamped = x
        clamped.replace(with: low, where: x .< low)
        clamped.replace(with: high, where: x .> high)
        // n = round(x / ln 2) by the 1.5·2²³ trick: adding it leaves n in the low mantissa bits.
        let magic = Lanes(repeating: 12_582_912)
        let shifted = clamped * 1.442695040888963 + magic
        let n = shifted - magic
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let r = clamped - n * 0.693359375 + n * 2.12194440e-4
        var p = Lanes(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * r * r + r + 1
        // 2ⁿ as 2^⌊n/2⌋ · 2^⌈n/2⌉: n reaches 128 just below the overflow threshold, where 2ⁿ alone is not a float.
        let half = integer &>> 1
        var result = y * unsafeBitCast((half &+ 127) &<< 23, to: Lanes.self)
            * unsafeBitCast((integer &- half &+ 127) &<< 23, to: Lanes.self)
        result.replace(with: 0, where: x .< low)
        result.replace(with: .infinity, where: x .> high)
        return result
    }

    /// `erf(x)` per lane, |error| ≤ 5e-7.
    @inlinable @inline(__always)
    public static func erf(_ x: Lanes) -> Lanes {
        let a = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Lanes.self)
        let t = 1 / (1 + 0.3275911 * a)
        var p = Lanes(repeating: 1.061405429)
        p = p * t - 1.453152027
        p = p * t + 1.421413741
        p = p * t - 0.284496736
        p = p * t + 0.254829592
        let y = 1 - p * t * exp(Lanes.zero - a * a)
        // Copy the sign of x onto y (erf is odd).
        let sign = unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x8000_0000
        return unsafeBitCast(unsafeBitCast(y, to: SIMD8<UInt32>.self) | sign, to: Lanes.self)
    }

    /// `tanh(x)` per lane as `1 - 2 / (e^{2x} + 1)`, exact to ~1e-7 absolute.
    @inlinable @inline(__always)
    public static func tanh(_ x: Lanes) -> Lanes {
        1 - 2 / (exp(2 * x) + 1)
    }

    /// `1 / (1 + e^-x)` per lane; reaches 0 and 1 at saturation, never NaN for finite x.
    ///
    /// With `tanh`, the recurrent cells' gate functions: they fuse gates in eight-lane registers, where a call
    /// into C per eight values would cost more than the arithmetic, so `exp` here is the lane form of CKernels'
    /// Cephes `expf` (same constants, reduction and saturation; `VectorMathTests` pins the two together).
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Lanes) -> Lanes {
        1 / (1 + exp(Lanes.zero - x))
    }

    /// Softmax in place, the maximum subtracted first so `exp` stays finite; a row of `-inf` becomes zeros
    /// rather than NaN. The exponentials run in the C kernel (CKernels.h), built also for AVX2 / AVX-512: every
    /// softmax in Kotoba (BERT's and Marian's attention, the task heads) goes through here.
    public static func formSoftmax(_ row: UnsafeMutableBufferPointer<Float>) {
        let peak = Tensor.maximum(row)
        guard peak > -.infinity, let base = row.baseAddress else {
            row.update(repeating: 0)
            return
        }
        kotoba_exp_shifted(base, row.count, peak)
        let inverse = 1 / Tensor.sum(row)
        map(row) { $0 * inverse }
    }

    /// `x − max − log Σ exp(x − max)` in place, as `torch.log_softmax` computes it; a row of `-inf` (every token
    /// banned) stays `-inf`. The exponentials run in the C kernel (CKernels.h), built also for AVX2 / AVX-512.
    public static func formLogSoftmax(_ row: UnsafeMutableBufferPointer<Float>) {
        let peak = Tensor.maximum(row)
        guard peak > -.infinity, let base = row.baseAddress else { return }
        let shift = peak + logf(kotoba_exp_sum_shifted(base, row.count, peak))
        map(row) { $0 - shift }
    }

    /// Applies `body` to `values` eight at a time; the tail goes through a zero-padded vector so every element
    /// sees the same arithmetic whatever its position.
    @inlinable @inline(__always)
    public static func map(_ values: UnsafeMutableBufferPointer<Float>, _ body: (Lanes) -> Lanes) {
        guard let base = values.baseAddress else { return }
        let raw = UnsafeMutableRawPointer(base)
        var i = 0
        while i + 8 <= values.count {
            let lanes = raw.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self)
            raw.storeBytes(of: body(lanes), toByteOffset: i * 4, as: Lanes.self)
            i += 8
        }
        guard i < values.count else { return }
        var tail = Lanes()
        for j in i..<values.count { tail[j - i] = values[j] }
        let mapped = body(tail)
        for j in i..<values.count { values[j] = mapped[j - i] }
    }
}
