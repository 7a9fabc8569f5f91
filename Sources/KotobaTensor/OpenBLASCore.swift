import CKernels
import Foundation

/// OpenBLAS picks its kernels once, while the library loads, from the CPU's model number. A CPU newer than the
/// library (Debian 12's OpenBLAS 0.3.21 on an Emerald Rapids Xeon, model 207) gets the generic Prescott (SSE3)
/// kernels, and every product of a model runs several times slower than the CPU allows. `OPENBLAS_CORETYPE`
/// overrides the choice, but only before the library loads, which is before `main`: so a process that finds
/// itself on a fallback core starts its own executable again with the variable set.
public enum OpenBLASCore {
    /// The variable OpenBLAS reads at load (runtime-dispatch builds only).
    public static let variable = "OPENBLAS_CORETYPE"

    /// Carries the core OpenBLAS detected into the restarted process, for its start-up log.
    public static let detectedVariable = "KOTOBA_OPENBLAS_DETECTED"

    /// OpenBLAS's names for kernels written before AVX2 (its fallbacks for CPUs it does not know among them).
    static let preAVX2Cores: Set<String> = [
        "Katmai", "Coppermine", "Northwood", "Prescott", "Banias", "Core2", "Penryn", "Dunnington", "Nehalem",
        "Atom", "Sandybridge", "Athlon", "Opteron", "Opteron_SSE3", "Barcelona", "Nano", "Bobcat", "Bulldozer",
        "Piledriver", "Steamroller",
    ]

    /// What the CPU offers the kernel families: AVX2 with FMA, and Skylake-SP's AVX-512 subsets.
    public struct CPU: Sendable, Equatable {
        public var avx2: Bool
        public var avx512: Bool

        public init(avx2: Bool, avx512: Bool) {
            self.avx2 = avx2
            self.avx512 = avx512
        }

        /// This machine's CPU.
        public static var current: CPU {
            CPU(avx2: kotoba_isa_supported(KOTOBA_ISA_AVX2) != 0, avx512: kotoba_cpu_has_avx512_skylake() != 0)
        }
    }

    /// The core type to run instead of `core` on `cpu`, or nil when `core` suits it. Only a pre-AVX2 core on an
    /// AVX2 CPU is replaced: any later choice is OpenBLAS's own judgement of a CPU it knows (Zen on an AVX-512
    /// AMD, say), which this does not second-guess.
    public static func replacement(for core: String, on cpu: CPU) -> String? {
        guard cpu.avx2, preAVX2Cores.contains(core) else { return nil }
        return cpu.avx512 ? "SkylakeX" : "Haswell"
    }

    /// The core OpenBLAS chose before this process restarted itself with a better one; nil without a restart.
    public static var detectedBeforeRestart: String? {
        ProcessInfo.processInfo.environment[detectedVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Runs this executable again, same arguments, with `OPENBLAS_CORETYPE` naming the replacement core when
    /// OpenBLAS fell back to one below the CPU. Returns (and the process goes on as it is) when the core suits
    /// the CPU, when the variable is already set (the user's choice, or this restart's), or when exec fails.
    /// Call it first thing in `main`, before any thread starts.
    public static func restartIfOnFallbackCore() {
        let environment = ProcessInfo.processInfo.environment
        guard environment[variable] == nil, let better = replacement(for: BLAS.coreType, on: .current) else { return }
        setenv(variable, better, 1)
        setenv(detectedVariable, BLAS.coreType, 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        // Only reached if exec failed: go on with the kernels OpenBLAS chose, and say nothing was replaced.
        unsetenv(variable)
        unsetenv(detectedVariable)
        arguments.forEach { free($0) }
    }
}
