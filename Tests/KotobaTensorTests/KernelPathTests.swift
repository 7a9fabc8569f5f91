import Foundation
import Testing
import CKernels
@testable import KotobaTensor

/// The kernel dispatcher: `KOTOBA_CPU` is obeyed or refused, never ignored, and every build this CPU runs
/// computes what the baseline computes, to the rounding of a fused multiply-add.
@Suite struct KernelPathTests {
    /// `make test` runs the numeric suites again with `KOTOBA_CPU=baseline`; that run proves nothing unless
    /// the baseline build is what actually ran.
    @Test func theRequestedPathIsTheActiveOne() throws {
        let requested = ProcessInfo.processInfo.environment[KernelPath.environmentVariable] ?? ""
        #expect(KernelPath.requestHonoured, "\(KernelPath.environmentVariable)=\(requested) was not honoured")
        if let path = KernelPath(rawValue: requested) {
            #expect(KernelPath.active == path)
        } else {
            #expect(requested.isEmpty)
            #expect(KernelPath.active == KernelPath.supported.last, "unset: the best path this CPU runs")
        }
    }

    @Test func baselineIsAlwaysSupportedAndBadValuesAreRefusedByName() {
        #expect(KernelPath.supported.first == .baseline)
        #expect(throws: Never.self) { try KernelPath.validate("") }
        #expect(throws: Never.self) { try KernelPath.validate("baseline") }
        #expect(throws: KernelPathError(requested: "AVX2", reason: .unknown, supported: KernelPath.supported)) {
            try KernelPath.validate("AVX2")
        }
        for path in KernelPath.allCases where !KernelPath.supported.contains(path) {
            let error = KernelPathError(requested: path.rawValue, reason: .unsupported, supported: KernelPath.supported)
            #expect(throws: error) { try KernelPath.validate(path.rawValue) }
            #expect(error.description.contains("cannot run"))
        }
    }

    /// Each build against the baseline on the same inputs. FMA contraction moves a result by an ulp or two in
    /// each of a handful of operations, so the bound is 1e-6 relative to max(1, |value|) (about 8 ulps at 1;
    /// absolute below 1, where activations feed sums of values near 1); a wrong constant or a broken tail loop
    /// is off by far more.
    @Test func everySupportedBuildAgreesWithTheBaseline() throws {
        let baseline = try #require(kotoba_pointwise_for(KOTOBA_ISA_BASELINE)).pointee
        let inputs = (0...4_000).map { Float($0) / 200 - 10 } + [-200, -87.5, -87.3, 88.7, 88.8, 200]
        for path in KernelPath.supported where path != .baseline {
            let build = try #require(kotoba_pointwise_for(path.isa)).pointee
            for (name, run) in [("gelu", \kotoba_pointwise_table.gelu_erf), ("silu", \.silu)] {
                var want = inputs, got = inputs
                baseline[keyPath: run]!(&want, want.count)
                build[keyPath: run]!(&got, got.count)
                #expect(worstRelative(got, want, floor: 1) <= 1e-6, "\(name) on \(path)")
            }
            var want = inputs, got = inputs
            baseline.exp_shifted(&want, want.count, 1.5)
            build.exp_shifted(&got, got.count, 1.5)
            #expect(worstRelative(got, want, floor: .leastNormalMagnitude) <= 1e-6, "exp on \(path)")
            let finite = Array(inputs.prefix(4_001))  // 250 groups of 16 and a tail of 1
            let sums = (baseline.exp_sum_shifted(finite, finite.count, 10), build.exp_sum_shifted(finite, finite.count, 10))
            #expect(abs(sums.0 - sums.1) <= 1e-6 * sums.0, "exp sum on \(path): \(sums)")
        }
    }

    /// OpenBLAS reports a core type: the one `OPENBLAS_CORETYPE` forces, when set and the build dispatches at
    /// run time (as Debian's does), so `make test`'s second run really ran other GEMM kernels.
    @Test func blasReportsItsCoreType() {
        #expect(!BLAS.coreType.isEmpty && BLAS.coreType != "unknown")
        if let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !forced.isEmpty,
           BLAS.configuration.contains("DYNAMIC_ARCH") {
            #expect(BLAS.coreType.lowercased() == forced.lowercased())
        }
    }

    private func worstRelative(_ got: [Float], _ want: [Float], floor: Float) -> Float {
        zip(got, want).map { got, want in
            if got == want { return 0 }  // both infinite, or both zero
            return abs(got - want) / max(abs(want), floor)
        }.max() ?? 0
    }
}
