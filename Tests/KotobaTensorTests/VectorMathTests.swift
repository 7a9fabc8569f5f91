import Foundation
import Testing
@testable import KotobaTensor

@Suite struct VectorMathTests {
    /// Every lane result against libm over a grid wide enough to hit both clamps and the underflow cut.
    @Test func expMatchesLibmWithinTwoUlpsAndSaturates() {
        var worst: (x: Float, relative: Float) = (0, 0)
        for step in stride(from: Float(-100), through: 100, by: 0.0371) {
            let x = VectorMath.Lanes((0..<8).map { step + Float($0) * 0.0046 })
            let y = VectorMath.exp(x)
            for lane in 0..<8 {
                let expected = Foundation.exp(Double(x[lane]))
                if x[lane] < -87.33654 { #expect(y[lane] == 0, "exp(\(x[lane])) should underflow to 0"); continue }
                if x[lane] > 88.72283 { #expect(y[lane] == .infinity); continue }
                let relative = Float(abs(Double(y[lane]) - expected) / expected)
                if relative > worst.relative { worst = (x[lane], relative) }
            }
        }
        #expect(worst.relative <= 2.5e-7, "worst at x = \(worst.x): relative error \(worst.relative)")
    }

    @Test func erfAndTanhAreWithinTheirBounds() {
        var worstErf: Float = 0, worstTanh: Float = 0
        for step in stride(from: Float(-6), through: 6, by: 0.013) {
            let x = VectorMath.Lanes((0..<8).map { step + Float($0) * 0.0016 })
            let (e, t) = (VectorMath.erf(x), VectorMath.tanh(x))
            for lane in 0..<8 {
                worstErf = max(worstErf, Float(abs(Double(e[lane]) - Foundation.erf(Double(x[lane])))))
                worstTanh = max(worstTanh, Float(abs(Double(t[lane]) - Foundation.tanh(Double(x[lane])))))
            }
        }
        #expect(worstErf <= 5e-7, "erf worst absolute error \(worstErf)")
        #expect(worstTanh <= 3e-7, "tanh worst absolute error \(worstTanh)")
    }

    @Test func largeActivationSplitAcrossThreadsEqualsSingleThreaded() {
        // 100 003 elements: several Parallel ranges and a ragged SIMD tail.
        var rng = SeededFloats(seed: 21)
        let x = rng.tensor([100_003])
        let saved = BLAS.threadCount
        defer { BLAS.threadCount = saved }
        BLAS.threadCount = 1
        let single = x.applying(.gelu)
        BLAS.threadCount = 2
        let split = x.applying(.gelu)
        #expect(single == split)
    }
}
