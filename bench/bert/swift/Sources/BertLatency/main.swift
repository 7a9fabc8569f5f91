// Latency of a real BERT checkpoint over sequence lengths (batch 1 by default: the forward pass the server runs
// for one short request; `--batch 8` for a full batch), timed in process. Prints one JSON object; latency.py runs it next to PyTorch and ONNX Runtime.
//
//   swift run -c release --package-path bench/bert/swift BertLatency --model Models/sentiment-en --seq 8 16 32
import Foundation
import KotobaModels
import KotobaTensor

struct Options {
    var model = "Models/sentiment-en"
    var lengths: [Int] = []
    var threads = 1
    var repeats = 200
    var head = "classify"
    var batch = 1
    var quantization = Quantization.none
}

func parse() -> Options {
    var options = Options()
    var flag = ""
    for argument in CommandLine.arguments.dropFirst() {
        if argument.hasPrefix("--") { flag = argument; continue }
        switch flag {
        case "--model": options.model = argument
        case "--seq": if let value = Int(argument) { options.lengths.append(value) }
        case "--threads": options.threads = Int(argument) ?? 1
        case "--repeats": options.repeats = Int(argument) ?? 200
        case "--head": options.head = argument
        case "--batch": options.batch = max(1, Int(argument) ?? 1)
        case "--quantization": options.quantization = Quantization(rawValue: argument) ?? .none
        default: break
        }
    }
    if options.lengths.isEmpty { options.lengths = [8, 16, 32, 64, 128] }
    return options
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

// As `kotoba` does: OpenBLAS kernels of this CPU's family even where it does not know the CPU.
OpenBLASCore.restartIfOnFallbackCore()
let options = parse()
BLAS.threadCount = options.threads
if options.head == "kernel" {
    // One linear shape, weights hot in cache: the kernel's compute rate without the memory stream.
    for (rows, inF, outF) in [(8, 384, 1536), (8, 1536, 384), (16, 384, 1536), (4, 384, 384)] {
        let x = try Tensor(shape: [rows, inF], storage: ContiguousArray((0..<(rows * inF)).map { Float($0 % 7) * 0.01 }))
        let w = try Tensor(shape: [outF, inF], storage: ContiguousArray((0..<(outF * inF)).map { Float($0 % 5) * 0.01 }))
        for _ in 0..<20 { _ = try x.linear(weight: w, bias: nil) }
        var times: [Double] = []
        for _ in 0..<500 { times.append(try seconds { _ = try x.linear(weight: w, bias: nil) }) }
        times.sort()
        let gflops = Double(2 * rows * inF * outF) / times[times.count / 2] / 1e9
        print("rows \(rows) in \(inF) out \(outF): p50 \(times[times.count / 2] * 1e6) us, \(gflops) GFLOP/s")
    }
    exit(0)
}
let directory = URL(fileURLWithPath: options.model)
let run: (TokenBatch) throws -> Void
switch options.head {
case "fill-mask":
    let model = try BertForMaskedLM(directory: directory, quantization: options.quantization)
    run = { batch in _ = try model.logits(batch, at: [batch.length / 2]) }
default:
    let model = try BertForSequenceClassification(directory: directory, quantization: options.quantization)
    run = { batch in _ = try model(batch) }
}
var rows: [[String: Any]] = []
for length in options.lengths {
    // [CLS] w w ... [SEP]: ids of ordinary word pieces; the values do not change the cost.
    let ids = [101] + (0..<(length - 2)).map { 2000 + $0 * 7 } + [102]
    let batch = try TokenBatch(ids: Array(repeating: ids, count: options.batch))
    for _ in 0..<10 { try run(batch) }
    var times: [Double] = []
    for _ in 0..<options.repeats { times.append(try seconds { try run(batch) }) }
    times.sort()
    rows.append(["seq": length, "p50_ms": times[times.count / 2] * 1000, "p90_ms": times[times.count * 9 / 10] * 1000,
                 "min_ms": times[0] * 1000])
}
let json = try JSONSerialization.data(withJSONObject: ["threads": options.threads, "model": options.model, "batch": options.batch,
                                                       "head": options.head, "quantization": options.quantization.rawValue, "rows": rows], options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
