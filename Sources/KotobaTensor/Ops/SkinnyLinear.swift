import CKernels

/// `nn.Linear` for a few rows (one short sentence) through the C kernel that reads the weights in place.
///
/// OpenBLAS copies the whole weight matrix into its packed layout on every `sgemm`; with 8 rows of input that copy
/// took two thirds of a MiniLM forward pass (perf: `sgemm_incopy` 65%, the multiply kernel 27%). The kernel does
/// the 2 × rows × in × out FLOPs straight from `[out, in]`, so it wins while the rows are few; above
/// `rowLimit` the packed product's better register use wins back its copy.
package enum SkinnyLinear {
    /// Most rows the kernel takes; measured crossover against OpenBLAS on the BERT shapes (bench/bert latency).
    package static let rowLimit = 32

    /// Whether a product of `rows` rows over `inFeatures` goes through the kernel.
    @inlinable
    package static func suits(rows: Int, inFeatures: Int) -> Bool {
        rows > 0 && rows <= rowLimit && inFeatures >= 8
    }

    /// y = x · wᵀ + bias, `x` `[rows, inFeatures]`, `w` `[outFeatures, inFeatures]`, `y` `[rows, outFeatures]`; the
    /// outputs are split across the BLAS threads when there is enough work to pay for waking one.
    package static func run(_ x: UnsafeBufferPointer<Float>, rows: Int, inFeatures: Int, _ w: UnsafeBufferPointer<Float>,
                            outFeatures: Int, bias: UnsafePointer<Float>?, _ y: UnsafeMutableBufferPointer<Float>) {
        guard let x = x.baseAddress, let w = w.baseAddress, let y = y.baseAddress else { return }
        split(rows: rows, inFeatures: inFeatures, outFeatures: outFeatures) { range in
            kotoba_linear_rows(x, rows, inFeatures, w, outFeatures, bias, y, range.lowerBound, range.upperBound)
        }
    }

    /// `run` with the weights as IEEE half bit patterns: half the bytes to stream, the same results as their float
    /// values give.
    package static func run(_ x: UnsafeBufferPointer<Float>, rows: Int, inFeatures: Int, halves w: UnsafeBufferPointer<UInt16>,
                            outFeatures: Int, bias: UnsafePointer<Float>?, _ y: UnsafeMutableBufferPointer<Float>) {
        guard let x = x.baseAddress, let w = w.baseAddress, let y = y.baseAddress else { return }
        split(rows: rows, inFeatures: inFeatures, outFeatures: outFeatures) { range in
            kotoba_linear_rows_f16(x, rows, inFeatures, w, outFeatures, bias, y, range.lowerBound, range.upperBound)
        }
    }

    private static func split(rows: Int, inFeatures: Int, outFeatures: Int, _ body: (Range<Int>) -> Void) {
        // About 100k multiply-adds per thread at least: tens of microseconds, against a few for a wake-up.
        let perOutput = max(rows * inFeatures, 1)
        Parallel.forEachRange(outFeatures, minimumPerThread: max(2, 100_000 / perOutput), body)
    }

    /// `values` as IEEE half bit patterns when every one of them is exactly a half (weights stored as F16 are), so
    /// the half kernel computes on exactly the same numbers; nil when any is not.
    package static func exactHalves(_ values: ContiguousArray<Float>) -> ContiguousArray<UInt16>? {
        var halves = ContiguousArray<UInt16>(repeating: 0, count: values.count)
        let exact = values.withUnsafeBufferPointer { source in
            halves.withUnsafeMutableBufferPointer { target in
                kotoba_floats_to_halves_exact(source.baseAddress, target.baseAddress, source.count) == 1
            }
        }
        return exact ? halves : nil
    }
}
