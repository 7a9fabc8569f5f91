import KotobaTensor

/// How a model keeps its linear layers' weights (`none`, or `int8` quantized at load), re-exported so the
/// service can configure it without importing the tensor module.
public typealias Quantization = KotobaTensor.Quantization

/// What the last bits of this process's results depend on: the pointwise kernels' build (`KOTOBA_CPU`) and
/// OpenBLAS's core type (`OPENBLAS_CORETYPE`). The service logs both and labels `kotoba_build_info` with them.
package enum ComputeEnvironment {
    /// Variable naming the kernel build (`baseline`, `avx2`, `avx512`); unset means the best the CPU runs.
    package static let kernelVariable = KernelPath.environmentVariable

    /// The kernel build this process runs.
    package static var kernelPath: String { KernelPath.active.rawValue }

    /// OpenBLAS's kernel family ("Haswell", "SkylakeX", "Zen", ...).
    package static var blasCoreType: String { BLAS.coreType }

    /// Variable the restart below sets for the new process (not a configuration key).
    package static let blasDetectedVariable = OpenBLASCore.detectedVariable

    /// The family OpenBLAS detected itself when it fell back below this CPU and the process restarted with a
    /// better one (`blasCoreType`); nil when no restart happened.
    package static var blasCoreDetected: String? { OpenBLASCore.detectedBeforeRestart }

    /// Starts the executable again with a suitable `OPENBLAS_CORETYPE` when OpenBLAS did not know this CPU and
    /// fell back to pre-AVX2 kernels; returns otherwise. First thing in `main`, before any thread starts.
    package static func restartIfBLASOnFallbackCore() { OpenBLASCore.restartIfOnFallbackCore() }

    /// Why `value`, given as `KOTOBA_CPU`, cannot be used; nil when it can. An empty value means unset.
    package static func kernelRequestProblem(_ value: String) -> String? {
        do {
            try KernelPath.validate(value)
            return nil
        } catch {
            return error.description
        }
    }
}
