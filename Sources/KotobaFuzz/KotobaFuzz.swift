import Foundation

/// `kotoba-fuzz TARGET FILE_OR_DIR...` replays inputs through a target and exits 1 if any breaks a rule;
/// `kotoba-fuzz list` names the targets. Built with -DKOTOBA_LIBFUZZER it is libFuzzer instead, for the
/// target named by KOTOBA_FUZZ_TARGET (see scripts/fuzz.sh).
@main
enum KotobaFuzz {
    static func main() {
        #if KOTOBA_LIBFUZZER
        exit(LibFuzzerEntry.run())
        #else
        exit(replayCommand(Array(CommandLine.arguments.dropFirst())))
        #endif
    }

    static func replayCommand(_ arguments: [String]) -> Int32 {
        guard let name = arguments.first, name != "-h", name != "--help" else {
            print("usage: kotoba-fuzz TARGET FILE_OR_DIR...   (replay)\n       kotoba-fuzz list")
            return 2
        }
        if name == "list" {
            for target in FuzzTargets.all { print("\(target.name)\t\(target.summary)") }
            return 0
        }
        guard let target = FuzzTargets.named(name) else {
            print("unknown target \(name); kotoba-fuzz list names them")
            return 2
        }
        let files = Replay.files(Array(arguments.dropFirst()))
        let failures = Replay.run(target, files: files)
        for failure in failures { print("FAIL \(failure)") }
        print("\(target.name): \(files.count) inputs, \(failures.count) failed")
        return failures.isEmpty ? 0 : 1
    }
}
