// BERT-base forward-pass benchmark over random weights, plus the machine's cblas_sgemm peak measured in the
// same process. Prints one JSON object; bench.py runs it next to PyTorch and prints the comparison.
//
//   swift run -c release --package-path bench/bert/swift BertBench --threads 2 --batch 1 --batch 8 --seq 128
//   ... --quantization int8     (linear layers quantized at load, as `"quantization": "int8"` does in the server)
import Foundation
import KotobaModels
import KotobaTensor

struct Options {
    var threads = 1
    var batches: [Int] = []
    var sequence = 128
    var repeats = 3
    var layers = 12
    var quantization = Quantization.none
}

func parse() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    while let flag = arguments.next() {
        if flag == "--quantization" {
            options.quantization = arguments.next().flatMap(Quantization.init(rawValue:)) ?? .none
            continue
        }
        guard let value = arguments.next().flatMap(Int.init) else { break }
        switch flag {
        case "--threads": options.threads = value
        case "--batch": options.batches.append(value)
        case "--seq": options.sequence = value
        case "--repeats": options.repeats = value
        case "--layers": options.layers = value
        default: break
        }
    }
    if options.batches.isEmpty { options.batches = [1, 8] }
    return options
}

/// Seeded uniform values in [-0.05, 0.05): weight-sized numbers, so activations stay in a realistic range.
struct Random {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func tensor(_ shape: [Int], around center: Float = 0) throws -> Tensor {
        var values = ContiguousArray<Float>(repeating: 0, count: shape.reduce(1, *))
        for i in values.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            values[i] = center + (Float(state >> 40) / Float(1 << 24) - 0.5) * 0.1
        }
        return try Tensor(shape: shape, storage: values)
    }
}

/// The tensors of a BertModel with `config`'s shape, named as transformers names them.
func randomWeights(_ config: BertConfig) throws -> [String: Tensor] {
    var random = Random()
    let (h, i) = (config.hiddenSize, config.intermediateSize)
    var tensors: [String: Tensor] = [
        "embeddings.word_embeddings.weight": try random.tensor([config.vocabSize, h]),
        "embeddings.position_embeddings.weight": try random.tensor([config.maxPositionEmbeddings, h]),
        "embeddings.token_type_embeddings.weight": try random.tensor([config.typeVocabSize, h]),
        "embeddings.LayerNorm.weight": try random.tensor([h], around: 1),
        "embeddings.LayerNorm.bias": try random.tensor([h]),
        "pooler.dense.weight": try random.tensor([h, h]),
        "pooler.dense.bias": try random.tensor([h]),
    ]
    for n in 0..<config.numHiddenLayers {
        let p = "encoder.layer.\(n)."
        for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
            tensors[p + name + ".weight"] = try random.tensor([h, h])
            tensors[p + name + ".bias"] = try random.tensor([h])
        }
        tensors[p + "intermediate.dense.weight"] = try random.tensor([i, h])
        tensors[p + "intermediate.dense.bias"] = try random.tensor([i])
        tensors[p + "output.dense.weight"] = try random.tensor([h, i])
        tensors[p + "output.dense.bias"] = try random.tensor([h])
        for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
            tensors[p + norm + ".weight"] = try random.tensor([h], around: 1)
            tensors[p + norm + ".bias"] = try random.tensor([h])
        }
    }
    return tensors
}

/// Encoder FLOPs of one forward pass: per layer and token, Q/K/V/O (8H²), the FFN pair (4HI) and the two
/// attention products (4SH); embeddings, norms and the pooler are negligible and not counted.
func flops(_ config: BertConfig, batch: Int, sequence: Int) -> Double {
    let (h, i, s) = (Double(config.hiddenSize), Double(config.intermediateSize), Double(sequence))
    return Double(config.numHiddenLayers) * Double(batch) * s * (8 * h * h + 4 * h * i + 4 * s * h)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// CPU time of the whole process (all threads): on a shared machine it counts only the time we were running,
/// so it is steadier than wall time, at the price of also counting BLAS threads that spin while waiting.
func cpuSeconds(_ body: () throws -> Void) rethrows -> Double {
    func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
    let start = now()
    try body()
    return now() - start
}

/// The best GFLOP/s of an sgemm the size of BERT's FFN product at batch 8 (1024×3072×768), per wall second and
/// per CPU second of the process.
func sgemmPeak() -> (wall: Double, cpu: Double) {
    let (m, n, k) = (1024, 3072, 768)
    let a = [Float](repeating: 0.01, count: m * k), b = [Float](repeating: 0.02, count: k * n)
    var c = [Float](repeating: 0, count: m * n)
    var best = Double.infinity, bestCPU = Double.infinity
    for _ in 0..<5 {
        var wall = 0.0
        let cpu = cpuSeconds { wall = seconds { BLAS.sgemm(transposeB: false, m: m, n: n, k: k, a: a, b: b, c: &c) } }
        best = min(best, wall)
        bestCPU = min(bestCPU, cpu)
    }
    let work = 2 * Double(m * n * k) / 1e9
    return (work / best, work / bestCPU)
}

// As `kotoba` does: OpenBLAS kernels of this CPU's family even where it does not know the CPU.
OpenBLASCore.restartIfOnFallbackCore()
let options = parse()
BLAS.threadCount = options.threads
let config = BertConfig(numHiddenLayers: options.layers)
let model = try BertModel(weights: WeightStore(tensors: try randomWeights(config), quantization: options.quantization), config: config, pooler: true)
var results: [[String: Double]] = []
let peak = sgemmPeak()
for batchSize in options.batches {
    var random = Random(state: UInt64(batchSize))
    // Ids spread over the vocabulary (any id works: the weights are random).
    let ids = try (0..<batchSize).map { _ in try random.tensor([options.sequence]).storage.map { Int($0 * 1e5) + 15000 } }
    let batch = try TokenBatch(ids: ids)
    _ = try model(batch)   // warm-up: page in weights, let OpenBLAS start its threads
    var best = Double.infinity, bestCPU = Double.infinity
    for _ in 0..<options.repeats {
        var wall = 0.0
        let cpu = try cpuSeconds { wall = try seconds { _ = try model(batch) } }
        best = min(best, wall)
        bestCPU = min(bestCPU, cpu)
    }
    let work = flops(config, batch: batchSize, sequence: options.sequence)
    results.append(["batch": Double(batchSize), "seconds": best, "cpu_seconds": bestCPU,
                    "tokens_per_second": Double(batchSize * options.sequence) / best, "gflops": work / best / 1e9,
                    "cpu_gflops": work / bestCPU / 1e9])
}
let report: [String: Any] = ["threads": options.threads, "quantization": options.quantization.rawValue, "sequence": options.sequence, "layers": options.layers,
                             "sgemm_peak_gflops": peak.wall,
                             "sgemm_peak_cpu_gflops": peak.cpu, "runs": results]
let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
