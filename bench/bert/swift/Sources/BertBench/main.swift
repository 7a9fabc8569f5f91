// BERT-base forward-pass benchmark over random weights, plus the machine's cblas_sgemm peak measured in the
// same process. Prints one JSON object; bench.py runs it next to PyTorch and prints the comparison.
//
//   swift run -c release --package-path bench/bert/swift BertBench --threads 2 --batch 1 --batch 8 --seq 128
import Foundation
import KotobaModels
import KotobaTensor

struct Options {
    var threads = 1
    var batches: [Int] = []
    var sequence = 128
    var repeats = 3
    var layers = 12
}

func parse() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    while let flag = arguments.next() {
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
    mutating func tensor(_ shape: [Int], around center: Float = 0) -> Tensor {
        var values = ContiguousArray<Float>(repeating: 0, count: shape.reduce(1, *))
        for i in values.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            values[i] = center + (Float(state >> 40) / Float(1 << 24) - 0.5) * 0.1
        }
        return try! Tensor(shape: shape, storage: values)  // shape and count agree by construction
    }
}

/// The tensors of a BertModel with `config`'s shape, named as transformers names them.
func randomWeights(_ config: BertConfig) -> [String: Tensor] {
    var random = Random()
    let (h, i) = (config.hiddenSize, config.intermediateSize)
    var tensors: [String: Tensor] = [
        "embeddings.word_embeddings.weight": random.tensor([config.vocabSize, h]),
        "embeddings.position_embeddings.weight": random.tensor([config.maxPositionEmbeddings, h]),
        "embeddings.token_type_embeddings.weight": random.tensor([config.typeVocabSize, h]),
        "embeddings.LayerNorm.weight": random.tensor([h], around: 1),
        "embeddings.LayerNorm.bias": random.tensor([h]),
        "pooler.dense.weight": random.tensor([h, h]),
        "pooler.dense.bias": random.tensor([h]),
    ]
    for n in 0..<config.numHiddenLayers {
        let p = "encoder.layer.\(n)."
        for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
            tensors[p + name + ".weight"] = random.tensor([h, h])
            tensors[p + name + ".bias"] = random.tensor([h])
        }
        tensors[p + "intermediate.dense.weight"] = random.tensor([i, h])
        tensors[p + "intermediate.dense.bias"] = random.tensor([i])
        tensors[p + "output.dense.weight"] = random.tensor([h, i])
        tensors[p + "output.dense.bias"] = random.tensor([h])
        for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
            tensors[p + norm + ".weight"] = random.tensor([h], around: 1)
            tensors[p + norm + ".bias"] = random.tensor([h])
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

/// The best GFLOP/s of a square-ish sgemm the size of BERT's FFN product at batch 8 (1024×3072×768).
func sgemmPeak() -> Double {
    let (m, n, k) = (1024, 3072, 768)
    let a = [Float](repeating: 0.01, count: m * k), b = [Float](repeating: 0.02, count: k * n)
    var c = [Float](repeating: 0, count: m * n)
    var best = Double.infinity
    for _ in 0..<5 {
        best = min(best, seconds { BLAS.sgemm(transposeB: false, m: m, n: n, k: k, a: a, b: b, c: &c) })
    }
    return 2 * Double(m * n * k) / best / 1e9
}

let options = parse()
BLAS.threadCount = options.threads
let config = BertConfig(numHiddenLayers: options.layers)
let model = try BertModel(weights: WeightStore(tensors: randomWeights(config)), config: config, pooler: true)
var results: [[String: Double]] = []
let peak = sgemmPeak()
for batchSize in options.batches {
    var random = Random(state: UInt64(batchSize))
    let ids = (0..<batchSize).map { _ in (0..<options.sequence).map { _ in Int(random.tensor([1]).storage[0] * 1e5 + 15000) } }
    let batch = try TokenBatch(ids: ids)
    _ = try model(batch)   // warm-up: page in weights, let OpenBLAS start its threads
    var best = Double.infinity
    for _ in 0..<options.repeats { best = min(best, try seconds { _ = try model(batch) }) }
    let work = flops(config, batch: batchSize, sequence: options.sequence)
    results.append(["batch": Double(batchSize), "seconds": best,
                    "tokens_per_second": Double(batchSize * options.sequence) / best, "gflops": work / best / 1e9])
}
let report: [String: Any] = ["threads": options.threads, "sequence": options.sequence, "layers": options.layers,
                             "sgemm_peak_gflops": peak, "runs": results]
let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
