import Testing
import CKernels
@testable import KotobaTensor

/// The C half ↔ float conversions that load F16 checkpoints, against the reference Swift conversion, on every
/// one of the 65,536 half bit patterns (infinities, NaNs and subnormals included).
@Suite struct HalfConversionTests {
    @Test func everyHalfConvertsToTheFloatItNames() {
        let halves = (0...UInt16.max).map { $0 }
        var floats = [Float](repeating: 0, count: halves.count)
        halves.withUnsafeBytes { kotoba_halves_to_floats($0.baseAddress, &floats, halves.count) }
        for (bits, got) in zip(halves, floats) {
            let want = HalfPrecision.float(fromHalf: bits)
            #expect(got.bitPattern == want.bitPattern || (got.isNaN && want.isNaN), "half 0x\(String(bits, radix: 16))")
        }
    }

    @Test func floatsGoBackToHalvesExactlyOrNotAtAll() {
        // Every finite half as a float round-trips to its own bits (NaNs are refused: NaN != NaN).
        let finite = (0...UInt16.max).filter { HalfPrecision.float(fromHalf: $0).isFinite }
        let floats = finite.map { HalfPrecision.float(fromHalf: $0) }
        var back = [UInt16](repeating: 0, count: floats.count)
        #expect(kotoba_floats_to_halves_exact(floats, &back, floats.count) == 1)
        #expect(back == finite)
        for refused: [Float] in [[1, 2, 0.1], [.nan], [70_000], [1e-8], Array(repeating: 1, count: 9) + [1.0001]] {
            #expect(kotoba_floats_to_halves_exact(refused, &back, refused.count) == 0, "\(refused)")
        }
    }
}
