import CKernels
import COpenBLAS
import Foundation

/// The build of the pointwise C kernels this process runs (baseline x86-64, AVX2 + FMA, AVX-512): with
/// OpenBLAS's core type, what the last bits of every computed float depend on.
public enum KernelPath: String, Sendable, CaseIterable, CustomStringConvertible {
    case baseline
    case avx2
    case avx512

    /// Variable naming the build to run instead of the best one, read once per process by the dispatcher.
    public static let environmentVariable = "KOTOBA_CPU"

    /// The build the kernels run.
    public static var active: KernelPath { KernelPath(kotoba_isa_active()) }

    /// The builds this CPU can run, baseline first.
    public static var supported: [KernelPath] { allCases.filter { kotoba_isa_supported($0.isa) != 0 } }

    /// Refuses a `KOTOBA_CPU` value (`value` as the variable holds it) that names no build or one this CPU
    /// cannot run: the dispatcher then runs the best build, which is not what was asked for. Empty means unset.
    public static func validate(_ value: String) throws(KernelPathError) {
        guard !value.isEmpty else { return }
        guard let path = KernelPath(rawValue: value) else {
            throw KernelPathError(requested: value, reason: .unknown, supported: supported)
        }
        guard supported.contains(path) else {
            throw KernelPathError(requested: value, reason: .unsupported, supported: supported)
        }
    }

    /// Whether the dispatcher ran the build `KOTOBA_CPU` named (true when it is unset).
    public static var requestHonoured: Bool {
        let status = kotoba_isa_request_status()
        return status == KOTOBA_ISA_REQUEST_NONE || status == KOTOBA_ISA_REQUEST_HONOURED
    }

    public var description: String { rawValue }

    var isa: kotoba_isa {
        switch self {
        case .baseline: KOTOBA_ISA_BASELINE
        case .avx2: KOTOBA_ISA_AVX2
        case .avx512: KOTOBA_ISA_AVX512
        }
    }

    init(_ isa: kotoba_isa) {
        switch isa {
        case KOTOBA_ISA_AVX512: self = .avx512
        case KOTOBA_ISA_AVX2: self = .avx2
        default: self = .baseline
        }
    }
}

/// A `KOTOBA_CPU` value that cannot be used, with the values that can.
public struct KernelPathError: Error, Equatable, CustomStringConvertible {
    /// Why the value was refused.
    public enum Reason: Sendable, Equatable {
        /// Not the name of a build.
        case unknown
        /// A build this CPU cannot run.
        case unsupported
    }

    public var requested: String
    public var reason: Reason
    public var supported: [KernelPath]

    public var description: String {
        let choices = supported.map(\.rawValue).joined(separator: ", ")
        switch reason {
        case .unknown:
            return "\"\(requested)\" is not a kernel path; use one of: \(choices)"
        case .unsupported:
            return "\"\(requested)\" is a kernel path this CPU cannot run (it would stop on an illegal instruction); "
                + "it can run: \(choices)"
        }
    }
}

extension BLAS {
    /// OpenBLAS's kernel family for this CPU ("Haswell", "SkylakeX", "Zen", ...), which `OPENBLAS_CORETYPE`
    /// overrides in builds with runtime dispatch.
    public static var coreType: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// OpenBLAS's build description (version, threading, dynamic architecture).
    public static var configuration: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
