import ArgumentParser
import KotobaService
import KotobaTasks

/// The `kotoba` command line: argument parsing only; the work lives in KotobaService.
@main
struct Kotoba: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kotoba",
        abstract: "An HTTP/1.1 JSON inference server for NLP models.",
        version: ServiceInfo.version,
        subcommands: [Serve.self, Healthcheck.self, FillMaskCommand.self, ClassifyCommand.self,
                      NextSentenceCommand.self, EmbedCommand.self, TranslateCommand.self, SimilarCommand.self])

    static func main() {
        // Before parsing and before any thread: the restart must replace a process that has done nothing yet.
        ComputeEnvironment.restartIfBLASOnFallbackCore()
        main(nil)
    }
}
