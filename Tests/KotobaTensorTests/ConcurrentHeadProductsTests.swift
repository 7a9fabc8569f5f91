import COpenBLAS
import Testing
@testable import KotobaTensor

/// The attention products split across threads (`Parallel.forEachProduct`) must give exactly what one thread gives,
/// and must leave OpenBLAS's process-wide thread count as configured.
@Suite(.serialized) struct ConcurrentHeadProductsTests {
    /// Seeded values in [-1, 1).
    private func values(_ count: Int, seed: UInt64) -> ContiguousArray<Float> {
        var state = seed
        return ContiguousArray((0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 23) - 1
        })
    }

    private func attention(threads: Int) throws -> (scores: Tensor, context: Tensor) {
        // 2 batch rows × 4 heads of 64×64×32 products: 2²¹ FLOPs, just at the threshold where the split happens.
        let (batch, seq, width, heads) = (2, 64, 128, 4)
        let q = try Tensor(shape: [batch, seq, width], storage: values(batch * seq * width, seed: 1))
        let k = try Tensor(shape: [batch, seq, width], storage: values(batch * seq * width, seed: 2))
        let v = try Tensor(shape: [batch, seq, width], storage: values(batch * seq * width, seed: 3))
        let previous = BLAS.threadCount
        BLAS.threadCount = threads
        defer { BLAS.threadCount = previous }
        var scores = try Tensor.headScores(query: q, key: k, heads: heads, scale: 0.125)
        try scores.formSoftmax()
        return (scores, try Tensor.headContext(probabilities: scores, value: v))
    }

    @Test func splitProductsEqualOneThreadBitForBit() throws {
        let split = try attention(threads: 2)
        let single = try attention(threads: 1)
        #expect(split.scores.storage == single.scores.storage)
        #expect(split.context.storage == single.context.storage)
    }

    @Test func sectionsRestoreTheConfiguredThreadCount() {
        let previous = BLAS.threadCount
        defer { BLAS.threadCount = previous }
        BLAS.threadCount = 2
        BLAS.withSingleThreadedProducts {
            #expect(openblas_get_num_threads() == 1)
            #expect(BLAS.threadCount == 2)
            BLAS.withSingleThreadedProducts { #expect(openblas_get_num_threads() == 1) }
            #expect(openblas_get_num_threads() == 1, "an inner section must not end the outer one")
            BLAS.threadCount = 3          // set during a section: applied when the last one ends
        }
        #expect(openblas_get_num_threads() == 3)
        #expect(BLAS.threadCount == 3)
    }
}
