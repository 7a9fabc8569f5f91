import Foundation
import KotobaJSON
import KotobaTasks

/// What `/v1/models` reports about a checkpoint directory, read from its files rather than from the model
/// object: the architecture and limits in config.json, the parameter count in the safetensors header, and
/// the weights' SHA-256 so a client can tell which exact file answers it.
struct CheckpointFacts: Sendable, Equatable {
    var architecture: String
    /// `max_position_embeddings` (or Marian's `max_length`-free `max_position_embeddings`).
    var maxPositions: Int?
    /// `id2label` in label-id order.
    var labels: [String]?
    var parameterCount: Int
    var weightsSHA256: String
    /// Attention heads per layer (`num_attention_heads`, Marian's `encoder_attention_heads`), for the batch
    /// memory bound; nil for models without attention.
    var attentionHeads: Int? = nil

    /// Why a directory's facts could not be read.
    struct Failure: Error, CustomStringConvertible {
        var file: String
        var reason: String
        var description: String { "\(file): \(reason)" }
    }

    static func read(directory: URL) throws(Failure) -> CheckpointFacts {
        let configURL = directory.appendingPathComponent("config.json")
        if !FileManager.default.fileExists(atPath: configURL.path) {
            for name in WordVectorsTask.fileNames {
                let url = directory.appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: url.path) { return try wordVectors(url) }
            }
        }
        let config: JSONValue
        do { config = try JSONValue.parse(Data(contentsOf: configURL)) } catch {
            throw Failure(file: configURL.path, reason: "\(error)")
        }
        guard config.objectValue != nil else { throw Failure(file: configURL.path, reason: "not a JSON object") }
        // transformers checkpoints name their class; Kotoba's own seq2seq format has only a model_type.
        let architecture: String
        if case let .array(architectures)? = config["architectures"], case let .string(name)? = architectures.first {
            architecture = name
        } else if case let .string(modelType)? = config["model_type"] {
            architecture = modelType
        } else {
            throw Failure(file: configURL.path, reason: "neither \"architectures\" nor \"model_type\"")
        }
        var maxPositions: Int?
        if case let .integer(value)? = config["max_position_embeddings"] { maxPositions = value }
        var labels: [String]?
        if case let .object(id2label)? = config["id2label"] {
            let pairs = id2label.compactMap { key, value -> (Int, String)? in
                guard let id = Int(key), case let .string(name) = value else { return nil }
                return (id, name)
            }
            labels = pairs.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let weightsURL = directory.appendingPathComponent("model.safetensors")
        let weights: Data
        do { weights = try Data(contentsOf: weightsURL, options: .alwaysMapped) } catch {
            throw Failure(file: weightsURL.path, reason: "\(error)")
        }
        let parameters = try parameterCount(safetensors: weights, file: weightsURL.path)
        let digest = weights.withUnsafeBytes { SHA256.hex(of: $0) }
        var heads: Int?
        for key in ["num_attention_heads", "encoder_attention_heads", "n_heads"] {
            if case let .integer(value)? = config[key], value > 0 { heads = value; break }
        }
        return CheckpointFacts(architecture: architecture, maxPositions: maxPositions, labels: labels,
                               parameterCount: parameters, weightsSHA256: digest, attentionHeads: heads)
    }

    /// A word2vec folder has no config: the header line gives the size, the file its digest.
    static func wordVectors(_ url: URL) throws(Failure) -> CheckpointFacts {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw Failure(file: url.path, reason: "\(error)")
        }
        let header = data.prefix(64).prefix { $0 != 0x0A }.split(separator: 0x20).compactMap { Int(String(decoding: $0, as: UTF8.self)) }
        guard header.count == 2 else { throw Failure(file: url.path, reason: "no \"<words> <dimensions>\" header line") }
        let (product, overflow) = header[0].multipliedReportingOverflow(by: header[1])
        guard !overflow else { throw Failure(file: url.path, reason: "the header's size overflows") }
        return CheckpointFacts(architecture: WordVectorsTask.architectureName, maxPositions: nil, labels: nil, parameterCount: product,
                               weightsSHA256: data.withUnsafeBytes { SHA256.hex(of: $0) })
    }

    /// Sum of the element counts of every tensor in a safetensors header (8-byte little-endian length, then
    /// JSON of `{name: {dtype, shape, data_offsets}}` and an optional `__metadata__`).
    static func parameterCount(safetensors data: Data, file: String) throws(Failure) -> Int {
        guard data.count >= 8 else { throw Failure(file: file, reason: "shorter than the 8-byte header length") }
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(data.count - 8) else {
            throw Failure(file: file, reason: "header length \(length) runs past the end of the file")
        }
        let header: JSONValue
        do { header = try JSONValue.parse(data.subdata(in: 8..<(8 + Int(length)))) } catch {
            throw Failure(file: file, reason: "header is not JSON: \(error)")
        }
        guard case let .object(tensors) = header else { throw Failure(file: file, reason: "header is not an object") }
        var total = 0
        for (name, entry) in tensors where name != "__metadata__" {
            guard case let .array(shape)? = entry["shape"] else {
                throw Failure(file: file, reason: "tensor \(name) has no shape")
            }
            var count = 1
            for dimension in shape {
                guard case let .integer(size) = dimension, size >= 0 else {
                    throw Failure(file: file, reason: "tensor \(name) has a bad dimension \(dimension.summary)")
                }
                let (product, overflow) = count.multipliedReportingOverflow(by: size)
                guard !overflow else { throw Failure(file: file, reason: "tensor \(name) has more elements than an Int holds") }
                count = product
            }
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { throw Failure(file: file, reason: "more parameters than an Int holds") }
            total = sum
        }
        return total
    }
}
