#if KOTOBA_LIBFUZZER
import CLibFuzzer
import Foundation

/// The libFuzzer build's driver: our own main hands argv to `LLVMFuzzerRunDriver`, which is what SwiftPM's
/// executable entry point allows (it defines `main` itself, so libFuzzer's main is never linked).
enum LibFuzzerEntry {
    /// Chosen once from KOTOBA_FUZZ_TARGET before the driver starts.
    nonisolated(unsafe) static var target: FuzzTarget?

    static func run() -> Int32 {
        let name = ProcessInfo.processInfo.environment["KOTOBA_FUZZ_TARGET"] ?? ""
        guard let chosen = FuzzTargets.named(name) else {
            print("set KOTOBA_FUZZ_TARGET to one of: \(FuzzTargets.all.map(\.name).joined(separator: " "))")
            return 2
        }
        target = chosen
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            let bytes = size == 0 ? [] : [UInt8](UnsafeBufferPointer(start: data, count: size))
            do throws(InvariantFailure) {
                try LibFuzzerEntry.target?.check(bytes)
            } catch {
                abortReportingToLibFuzzer(error)
            }
            return 0
        }
    }
}

/// A rule broke: print it and abort, which is how libFuzzer learns of a finding and saves the input.
func abortReportingToLibFuzzer(_ failure: InvariantFailure) -> Never {
    FileHandle.standardError.write(Data("kotoba-fuzz invariant failed: \(failure)\n".utf8))
    abort()
}

/// Exported too, so tools that look for the conventional libFuzzer symbol find this target's check.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 || data == nil ? [] : [UInt8](UnsafeBufferPointer(start: data, count: size))
    do throws(InvariantFailure) { try LibFuzzerEntry.target?.check(bytes) } catch { abortReportingToLibFuzzer(error) }
    return 0
}
#endif
