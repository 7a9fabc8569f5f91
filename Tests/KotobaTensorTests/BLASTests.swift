import Testing
@testable import KotobaTensor

@Suite struct BLASTests {
    @Test func sgemmMatchesNaiveProductForEveryTransposition() {
        let (m, n, k) = (3, 4, 5)
        let a = (0..<(m * k)).map { Float($0 % 7) - 3 }
        let b = (0..<(k * n)).map { Float($0 % 5) * 0.5 - 1 }
        var expected = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { expected[i * n + j] += a[i * k + p] * b[p * n + j] } } }
        // Transposed copies of the operands.
        var aT = [Float](repeating: 0, count: m * k), bT = [Float](repeating: 0, count: k * n)
        for i in 0..<m { for p in 0..<k { aT[p * m + i] = a[i * k + p] } }
        for p in 0..<k { for j in 0..<n { bT[j * k + p] = b[p * n + j] } }
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            var c = [Float](repeating: 0, count: m * n)
            BLAS.sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k,
                       a: ta ? aT : a, b: tb ? bT : b, c: &c)
            // Exact on purpose: every operand is a multiple of 0.5 below 4, so every product and partial sum is a
            // float with no rounding, in any summation order and with or without FMA.
            #expect(c == expected, "transposeA \(ta) transposeB \(tb)")
        }
    }
}
