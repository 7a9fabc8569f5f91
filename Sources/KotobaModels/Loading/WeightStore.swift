import Foundation
import KotobaTensor

/// Named tensors from one or more safetensors files, read through a prefix scope.
///
/// Models mirror the checkpoint's nesting instead of renaming keys: a block takes
/// `weights.scoped("attention").scoped("self")` and asks for `"query.weight"`, so each Swift layer names the keys
/// it reads exactly as transformers' module tree spells them. The one alias anywhere is the legacy
/// `LayerNorm.gamma` / `LayerNorm.beta` spelling of old TensorFlow-converted BERT checkpoints (see `resolve`).
public struct WeightStore: Sendable {
    /// The files behind a store and which file holds each tensor; shared by every scope.
    private final class Files: Sendable {
        let files: [SafeTensorsFile]
        let location: [String: Int]
        /// Tensors held in memory instead of files (benchmarks, tests); looked up before `files`.
        let memory: [String: Tensor]
        let description: String
        let quantization: Quantization

        init(files: [SafeTensorsFile], memory: [String: Tensor] = [:], description: String, quantization: Quantization) {
            self.files = files
            var location: [String: Int] = [:]
            for (i, file) in files.enumerated() {
                for name in file.entries.keys where location[name] == nil { location[name] = i }
            }
            for name in memory.keys { location[name] = -1 }
            self.location = location
            self.memory = memory
            self.description = description
            self.quantization = quantization
        }
    }

    private let files: Files
    /// The dotted prefix every requested name is read under (empty at the root).
    public let prefix: String

    /// How `linear` hands out the layers of this checkpoint.
    public var quantization: Quantization { files.quantization }

    /// A store over the given safetensors files (for a sharded checkpoint, all its shards).
    public init(paths: [String], quantization: Quantization = .none) throws(ModelError) {
        var opened: [SafeTensorsFile] = []
        for path in paths {
            do { opened.append(try SafeTensorsFile(path: path)) } catch { throw ModelError(error) }
        }
        files = Files(files: opened, description: paths.count == 1 ? paths[0] : paths.joined(separator: ", "),
                      quantization: quantization)
        prefix = ""
    }

    /// A store over tensors already in memory (random weights for a benchmark, hand-built ones in a test).
    public init(tensors: [String: Tensor], description: String = "<memory>", quantization: Quantization = .none) {
        files = Files(files: [], memory: tensors, description: description, quantization: quantization)
        prefix = ""
    }

    /// The weights of a Hugging Face model directory: `model.safetensors`, or the shards that
    /// `model.safetensors.index.json` lists in its `weight_map`.
    public init(directory: URL, quantization: Quantization = .none) throws(ModelError) {
        let single = directory.appendingPathComponent("model.safetensors")
        let index = directory.appendingPathComponent("model.safetensors.index.json")
        if FileManager.default.fileExists(atPath: single.path) {
            try self.init(paths: [single.path], quantization: quantization)
        } else if FileManager.default.fileExists(atPath: index.path) {
            let map = try ConfigFile.decode(ShardIndex.self, from: index)
            let shards = Array(Set(map.weightMap.values)).sorted()
            for shard in shards where shard.contains("/") || shard.hasPrefix(".") {
                throw .invalidConfig(path: index.path, field: "weight_map", reason: "names a file outside the model: \(shard)")
            }
            try self.init(paths: shards.map { directory.appendingPathComponent($0).path }, quantization: quantization)
        } else {
            throw .unreadableFile(path: single.path, reason: "no model.safetensors or model.safetensors.index.json")
        }
    }

    private init(files: Files, prefix: String) {
        self.files = files
        self.prefix = prefix
    }

    /// The store seen from `component` down: `scoped("bert").scoped("encoder")` reads `bert.encoder.*`.
    public func scoped(_ component: String) -> WeightStore {
        WeightStore(files: files, prefix: qualified(component))
    }

    /// The full checkpoint key for `name` under this scope.
    public func qualified(_ name: String) -> String {
        prefix.isEmpty ? name : name.isEmpty ? prefix : prefix + "." + name
    }

    /// Whether the checkpoint holds `name` under this scope (after the legacy alias).
    public func contains(_ name: String) -> Bool {
        resolve(qualified(name)) != nil
    }

    /// Every tensor name under this scope, relative to it, sorted.
    public var names: [String] {
        let lead = prefix.isEmpty ? "" : prefix + "."
        return files.location.keys.filter { $0.hasPrefix(lead) }.map { String($0.dropFirst(lead.count)) }.sorted()
    }

    /// The tensor `name` with exactly the shape the architecture expects.
    public func tensor(_ name: String, shape: [Int]) throws(ModelError) -> Tensor {
        let value = try tensor(name)
        guard value.shape == shape else {
            let key = qualified(name)
            throw .shapeMismatch(tensor: key, expected: shape, found: value.shape, file: file(of: key))
        }
        return value
    }

    /// The tensor `name`, whatever its shape, converted to Float32.
    public func tensor(_ name: String) throws(ModelError) -> Tensor {
        let key = qualified(name)
        guard let (file, stored) = resolve(key) else {
            throw .missingTensor(name: key, file: files.description)
        }
        if file < 0, let tensor = files.memory[stored] { return tensor }
        do { return try files.files[file].tensor(stored) } catch { throw ModelError(error) }
    }

    /// The file holding `key`, for error messages.
    /// The tensor `name` as IEEE half bit patterns when the file stores it as F16 with this shape, else nil (any
    /// other dtype, or an in-memory store); `tensor(_:shape:)` gives the float form and the errors.
    public func halves(_ name: String, shape: [Int]) throws(ModelError) -> HalfWeights? {
        let key = qualified(name)
        guard let (file, stored) = resolve(key), file >= 0 else { return nil }
        let found: (shape: [Int], bits: HalfWeights)?
        do { found = try files.files[file].halves(stored) } catch { throw ModelError(error) }
        guard let found, found.shape == shape else { return nil }
        return found.bits
    }

    private func file(of key: String) -> String {
        guard let file = resolve(key)?.file, file >= 0 else { return files.description }
        return files.files[file].path
    }

    /// The file and stored name for `key`. Checkpoints converted from the original TensorFlow BERT name layer-norm
    /// parameters `gamma`/`beta`; transformers renames them on load (`_fix_state_dict_key_on_load` in
    /// `modeling_utils.py`), and this is the only place Kotoba does the same.
    private func resolve(_ key: String) -> (file: Int, name: String)? {
        if let file = files.location[key] { return (file, key) }
        let legacy: String? = if key.hasSuffix("LayerNorm.weight") {
            String(key.dropLast("weight".count)) + "gamma"
        } else if key.hasSuffix("LayerNorm.bias") {
            String(key.dropLast("bias".count)) + "beta"
        } else {
            nil
        }
        guard let legacy, let file = files.location[legacy] else { return nil }
        return (file, legacy)
    }
}

/// `model.safetensors.index.json`: which shard holds each tensor.
private struct ShardIndex: Decodable {
    var weightMap: [String: String]
    enum CodingKeys: String, CodingKey { case weightMap = "weight_map" }
}

extension ModelError {
    /// The model-level error for a storage failure, keeping the file and tensor it names.
    init(_ error: StorageError) {
        switch error {
        case let .unreadable(path, reason): self = .unreadableFile(path: path, reason: reason)
        case let .invalid(path, tensor?, reason): self = .invalidFile(path: path, reason: "tensor \"\(tensor)\": \(reason)")
        case let .invalid(path, nil, reason): self = .invalidFile(path: path, reason: reason)
        case let .missing(path, tensor): self = .missingTensor(name: tensor, file: path)
        }
    }
}

extension WeightStore {
    /// The scope of a base model inside a checkpoint: `component` when the checkpoint nests it there (a
    /// `BertForMaskedLM` stores `bert.embeddings...`), the root when it does not (a bare `BertModel` stores
    /// `embeddings...`). This is transformers' `base_model_prefix` rule; `probe` is a key every base model has.
    public func baseModel(_ component: String, probe: String) -> WeightStore {
        scoped(component).contains(probe) ? scoped(component) : self
    }
}

extension WeightStore {
    /// The tensor `name` if present, checked against `shape`; a `[1, n]` buffer such as Marian's
    /// `final_logits_bias` is accepted where `[n]` is expected.
    public func tensorIfPresent(_ name: String, shape: [Int]) throws(ModelError) -> Tensor? {
        guard contains(name) else { return nil }
        let tensor = try tensor(name)
        guard tensor.shape == shape
            || (tensor.shape.filter { $0 != 1 } == shape.filter { $0 != 1 } && tensor.count == shape.reduce(1, *))
        else {
            throw .shapeMismatch(tensor: qualified(name), expected: shape, found: tensor.shape, file: qualified(""))
        }
        return tensor
    }

    /// The first of `names` that exists, checked against `shape`: tied tensors are saved under one of their names.
    public func firstTensor(of names: [String], shape: [Int]) throws(ModelError) -> Tensor {
        for name in names {
            if let tensor = try tensorIfPresent(name, shape: shape) { return tensor }
        }
        throw .missingTensor(name: names.map { qualified($0) }.joined(separator: " or "), file: "model.safetensors")
    }
}
