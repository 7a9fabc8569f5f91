import Foundation
import Testing
import KotobaTensor
@testable import KotobaModels

@Suite struct WeightStoreTests {
    private func store(_ tensors: [(String, Tensor)]) throws -> (WeightStore, String) {
        let directory = try SafeTensorsWriter.temporaryDirectory()
        let url = directory.appendingPathComponent("model.safetensors")
        try SafeTensorsWriter.write(tensors, to: url)
        return (try WeightStore(directory: directory), url.path)
    }

    @Test func scopedLookupReadsTheQualifiedKey() throws {
        let w = try Tensor(shape: [2, 3], [1, 2, 3, 4, 5, 6])
        let (weights, _) = try store([("bert.encoder.layer.0.attention.self.query.weight", w)])
        let layer = weights.scoped("bert.encoder.layer.0")
        #expect(try layer.scoped("attention").tensor("self.query.weight", shape: [2, 3]) == w)
        #expect(layer.contains("attention.self.query.weight"))
        #expect(!weights.contains("attention.self.query.weight"))
        #expect(layer.names == ["attention.self.query.weight"])
    }

    @Test func shapeMismatchNamesTensorExpectedFoundAndFile() throws {
        let (weights, path) = try store([("w", Tensor(shape: [2, 3]))])
        #expect(throws: ModelError.shapeMismatch(tensor: "w", expected: [3, 2], found: [2, 3], file: path)) {
            try weights.tensor("w", shape: [3, 2])
        }
    }

    @Test func missingTensorNamesTheFullKey() throws {
        let (weights, path) = try store([("a", Tensor(shape: [1]))])
        #expect(throws: ModelError.missingTensor(name: "bert.pooler.dense.weight", file: path)) {
            try weights.scoped("bert.pooler").tensor("dense.weight")
        }
    }

    @Test func legacyGammaBetaLoadAsLayerNormWeightAndBias() throws {
        let gamma = try Tensor(shape: [2], [1.5, 2]), beta = try Tensor(shape: [2], [0.5, -1])
        let (legacy, _) = try store([("x.LayerNorm.gamma", gamma), ("x.LayerNorm.beta", beta)])
        let (modern, _) = try store([("x.LayerNorm.weight", gamma), ("x.LayerNorm.bias", beta)])
        let a = try legacy.layerNorm("x.LayerNorm", width: 2, epsilon: 1e-12)
        let b = try modern.layerNorm("x.LayerNorm", width: 2, epsilon: 1e-12)
        #expect(a.weight == b.weight && a.bias == b.bias && a.weight == gamma)
        // The alias is for layer norms only: a `gamma` elsewhere is not a `weight`.
        let (other, _) = try store([("scale.gamma", gamma)])
        #expect(!other.contains("scale.weight"))
    }

    @Test func shardedCheckpointReadsEveryShardThroughTheIndex() throws {
        let directory = try SafeTensorsWriter.temporaryDirectory()
        try SafeTensorsWriter.write([("a", Tensor(shape: [1], repeating: 1))],
                                    to: directory.appendingPathComponent("model-00001-of-00002.safetensors"))
        try SafeTensorsWriter.write([("b", Tensor(shape: [2], repeating: 2))],
                                    to: directory.appendingPathComponent("model-00002-of-00002.safetensors"))
        let index = #"{"metadata":{},"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}}"#
        try Data(index.utf8).write(to: directory.appendingPathComponent("model.safetensors.index.json"))
        let weights = try WeightStore(directory: directory)
        #expect(try weights.tensor("a") == Tensor(shape: [1], repeating: 1))
        #expect(try weights.tensor("b") == Tensor(shape: [2], repeating: 2))
    }

    @Test func shardIndexNamingAFileOutsideTheModelIsRejected() throws {
        let directory = try SafeTensorsWriter.temporaryDirectory()
        let index = #"{"weight_map":{"a":"../elsewhere.safetensors"}}"#
        try Data(index.utf8).write(to: directory.appendingPathComponent("model.safetensors.index.json"))
        #expect(throws: ModelError.self) { try WeightStore(directory: directory) }
    }

    @Test func truncatedCheckpointIsInvalidFileNamingTheTensor() throws {
        let directory = try SafeTensorsWriter.temporaryDirectory()
        let url = directory.appendingPathComponent("model.safetensors")
        try SafeTensorsWriter.write([("w", Tensor(shape: [8]))], to: url)
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 4).write(to: url)
        let error = #expect(throws: ModelError.self) { try WeightStore(directory: directory) }
        guard case let .invalidFile(path, reason)? = error else {
            Issue.record("expected invalidFile, got \(String(describing: error))")
            return
        }
        #expect(path == url.path)
        #expect(reason.contains("tensor \"w\""))
    }

    @Test func directoryWithoutWeightsIsUnreadable() throws {
        let directory = try SafeTensorsWriter.temporaryDirectory()
        #expect {
            try WeightStore(directory: directory)
        } throws: { error in
            guard case ModelError.unreadableFile = error else { return false }
            return true
        }
    }
}

@Suite struct ModelRegistryTests {
    private func header(_ json: String) throws -> ModelRegistry.Header {
        try JSONDecoder().decode(ModelRegistry.Header.self, from: Data(json.utf8))
    }

    @Test func resolvesNamedArchitectureAndDefaultsToTheBareEncoder() throws {
        #expect(try ModelRegistry.architecture(for: header(#"{"model_type":"bert","architectures":["BertForMaskedLM"]}"#))
                == .bertForMaskedLM)
        #expect(try ModelRegistry.architecture(for: header(#"{"model_type":"distilbert"}"#)) == .distilBertModel)
    }

    @Test func everyArchitectureHasOneRegistryLine() {
        for architecture in ModelArchitecture.allCases {
            #expect(ModelRegistry.architectures.filter { $0.architecture == architecture }.count == 1, "\(architecture)")
        }
        // Each model_type has exactly one class a config without `architectures` means.
        for type in ModelRegistry.supportedModelTypes {
            #expect(ModelRegistry.architectures.filter { $0.modelType == type && $0.isFamilyDefault }.count == 1, "\(type)")
        }
    }

    /// Every registry line loads a real checkpoint of its architecture as the protocol of each capability it
    /// claims, and refuses the others naming the architectures that have them.
    @Test(arguments: [("bert/bert-model", ModelArchitecture.bertModel), ("bert/bert-mlm", .bertForMaskedLM),
                      ("bert/bert-pretraining", .bertForPreTraining), ("bert/bert-nsp", .bertForNextSentencePrediction),
                      ("bert/bert-classifier", .bertForSequenceClassification), ("bert/distilbert-model", .distilBertModel),
                      ("bert/distilbert-mlm", .distilBertForMaskedLM),
                      ("bert/distilbert-classifier", .distilBertForSequenceClassification),
                      ("marian", .marianMTModel), ("seq2seq/gru_bahdanau_bi", .kotobaSeq2SeqModel),
                      ("word2vec/skipgram-bin", .word2vec), ("word2vec/cbow-txt", .word2vec)])
    func registryLinesLoadWhatTheyClaim(fixture: String, architecture: ModelArchitecture) throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(fixture)
        #expect(try ModelRegistry.architecture(of: directory) == architecture)
        let entry = try #require(ModelRegistry.architectures.first { $0.architecture == architecture })
        for capability in ModelCapability.allCases {
            guard entry.capabilities.contains(capability) else {
                #expect(throws: ModelError.unsupportedArchitecture(name: architecture.rawValue,
                                                                   supported: ModelRegistry.architectures(serving: capability))) {
                    try ModelRegistry.load(directory, for: capability)
                }
                continue
            }
            let model = try ModelRegistry.load(directory, for: capability)
            switch capability {
            case .fillMask: #expect(model is any MaskedLanguageModel, "\(fixture)")
            case .textClassification: #expect(model is any SequenceClassifier, "\(fixture)")
            case .nextSentence: #expect(model is any NextSentencePredictor, "\(fixture)")
            case .featureExtraction: #expect(model is any SentenceEncoder, "\(fixture)")
            case .translation: #expect(model is MarianMTModel || model is Seq2SeqModel, "\(fixture)")
            case .wordVectors: #expect(model is WordVectors, "\(fixture)")
            }
        }
    }

    @Test func unknownModelTypeListsTheSupportedOnes() throws {
        #expect(throws: ModelError.unsupportedArchitecture(name: "gpt2", supported: ["bert", "distilbert", "kotoba-seq2seq", "marian", "word2vec"])) {
            try ModelRegistry.architecture(for: header(#"{"model_type":"gpt2","architectures":["GPT2LMHeadModel"]}"#))
        }
    }

    @Test func unknownClassListsTheClassesOfItsModelType() throws {
        let error = #expect(throws: ModelError.self) {
            try ModelRegistry.architecture(for: header(#"{"model_type":"distilbert","architectures":["DistilBertForQuestionAnswering"]}"#))
        }
        #expect(error == .unsupportedArchitecture(name: "DistilBertForQuestionAnswering", supported: [
            "DistilBertModel", "DistilBertForMaskedLM", "DistilBertForSequenceClassification"]))
    }

    @Test func configWithoutModelTypeNamesTheMissingField() throws {
        let directory = try SafeTensorsWriter.temporaryDirectory()
        try Data(#"{"architectures":["BertModel"]}"#.utf8).write(to: directory.appendingPathComponent("config.json"))
        #expect(throws: ModelError.invalidConfig(path: directory.appendingPathComponent("config.json").path,
                                                 field: "model_type", reason: "is missing")) {
            try ModelRegistry.architecture(of: directory)
        }
    }
}
