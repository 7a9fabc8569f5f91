// Kotoba's side of bench/marian/bench.py: loads a Marian checkpoint, translates a JSON list of source id lists in
// batches with `MarianMTModel.generate`, and writes per-batch latencies and the outputs as JSON.
//
//   MarianBench <model dir> <sources.json> <beams> <batch> <max_length> <threads> <out.json> [none|int8]
import Foundation
import KotobaModels
import KotobaTensor

struct Report: Encodable {
    var latencies: [Double]
    var totalSeconds: Double
    /// User + system CPU time of the timed loop, all threads: steadier than wall time on a shared machine.
    var cpuSeconds: Double
    var generatedTokens: Int
    var outputs: [[Int]]
}

func cpuTime() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

// As `kotoba` does: OpenBLAS kernels of this CPU's family even where it does not know the CPU.
OpenBLASCore.restartIfOnFallbackCore()

let arguments = CommandLine.arguments
guard arguments.count == 8 || arguments.count == 9, let beams = Int(arguments[3]), let batch = Int(arguments[4]),
      let maxLength = Int(arguments[5]), let threads = Int(arguments[6]) else {
    fail("usage: MarianBench <model dir> <sources.json> <beams> <batch> <max_length> <threads> <out.json> [none|int8]")
}
guard let quantization = arguments.count == 9 ? Quantization(rawValue: arguments[8]) : Quantization.none else {
    fail("quantization is none or int8, not \(arguments[8])")
}
BLAS.threadCount = threads
let model: MarianMTModel
let sources: [[Int]]
do {
    model = try MarianMTModel(directory: URL(fileURLWithPath: arguments[1]), quantization: quantization)
    sources = try JSONDecoder().decode([[Int]].self, from: Data(contentsOf: URL(fileURLWithPath: arguments[2])))
} catch {
    fail("cannot load: \(error)")
}
var options = model.generationConfig
options.numBeams = beams
options.maxLength = maxLength
let batches = stride(from: 0, to: sources.count, by: batch).map { Array(sources[$0..<min($0 + batch, sources.count)]) }
do {
    _ = try model.generate([sources[0]], options: options)  // warm-up: page in the weights
    var report = Report(latencies: [], totalSeconds: 0, cpuSeconds: 0, generatedTokens: 0, outputs: [])
    let start = DispatchTime.now().uptimeNanoseconds, cpuStart = cpuTime()
    for chunk in batches {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let hypotheses = try model.generate(chunk, options: options)
        report.latencies.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        for best in hypotheses.map({ $0[0] }) {
            report.outputs.append(best.tokens)
            report.generatedTokens += best.tokens.count
        }
    }
    report.totalSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    report.cpuSeconds = cpuTime() - cpuStart
    try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: arguments[7]))
} catch {
    fail("generation failed: \(error)")
}
