import Foundation
import Testing
import KotobaTensor

/// The eight-lane gate functions (VectorMath) against libm over the range recurrent gates see, and at saturation.
@Suite struct RecurrentGatesTests {
    @Test func lanesMatchLibmWithinFewUlp() {
        var worstExp: Float = 0, worstSigmoid: Float = 0, worstTanh: Float = 0
        var x: Float = -30
        while x < 30 {
            let v = SIMD8<Float>((0..<8).map { x + Float($0) * 0.001 })
            let e = VectorMath.exp(v), s = VectorMath.sigmoid(v), t = VectorMath.tanh(v)
            for i in 0..<8 {
                worstExp = max(worstExp, abs(e[i] - expf(v[i])) / expf(v[i]))
                worstSigmoid = max(worstSigmoid, abs(s[i] - 1 / (1 + expf(-v[i]))))
                worstTanh = max(worstTanh, abs(t[i] - tanhf(v[i])))
            }
            x += 0.0173
        }
        #expect(worstExp <= 4e-7, "exp relative error \(worstExp)")
        #expect(worstSigmoid <= 2e-7, "sigmoid absolute error \(worstSigmoid)")
        #expect(worstTanh <= 3e-7, "tanh absolute error \(worstTanh)")
    }

    @Test func saturatesWithoutOverflow() {
        let v = SIMD8<Float>(-1000, -89, -88, 0, 88, 89, 1000, .greatestFiniteMagnitude)
        let t = VectorMath.tanh(v), s = VectorMath.sigmoid(v)
        #expect(t[0] == -1 && t[6] == 1 && t[7] == 1 && t[3] == 0)
        #expect(s[0] >= 0 && s[0] < 1e-30 && s[6] == 1 && s[3] == 0.5)
        for i in 0..<8 { #expect(t[i].isFinite && s[i].isFinite) }
    }
}
