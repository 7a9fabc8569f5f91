import Foundation
import KotobaTensor

/// A model class Kotoba implements, named as transformers names it in `config.json`'s `architectures`
/// (`KotobaSeq2SeqModel` for Kotoba's own recurrent format, whose configs name no class).
public enum ModelArchitecture: String, Sendable, CaseIterable {
    case bertModel = "BertModel"
    case bertForMaskedLM = "BertForMaskedLM"
    case bertForPreTraining = "BertForPreTraining"
    case bertForNextSentencePrediction = "BertForNextSentencePrediction"
    case bertForSequenceClassification = "BertForSequenceClassification"
    case distilBertModel = "DistilBertModel"
    case distilBertForMaskedLM = "DistilBertForMaskedLM"
    case distilBertForSequenceClassification = "DistilBertForSequenceClassification"
    case marianMTModel = "MarianMTModel"
    case kotobaSeq2SeqModel = "KotobaSeq2SeqModel"
    /// word2vec vectors (`vectors.bin` / `vectors.txt`); recognised by those files, since such folders have no config.
    case word2vec = "Word2Vec"

    /// The `model_type` whose checkpoints this class reads.
    public var modelType: String { ModelRegistry.entry(for: self).modelType }
}

/// What a loaded model can be used for; a task asks the registry for one.
public enum ModelCapability: String, Sendable, CaseIterable {
    /// `MaskedLanguageModel`: vocabulary logits at chosen positions.
    case fillMask = "fill-mask"
    /// `SequenceClassifier`: label logits per sequence.
    case textClassification = "text-classification"
    /// `NextSentencePredictor`: BERT's NSP logits.
    case nextSentence = "next-sentence"
    /// `SentenceEncoder`: per-token hidden states.
    case featureExtraction = "feature-extraction"
    /// An encoder–decoder: `MarianMTModel` or `Seq2SeqModel`.
    case translation
    /// `WordVectors`: a vector per word, for similarity and analogies.
    case wordVectors = "word-vectors"
}

/// One architecture Kotoba reads: its `model_type`, and the loader of each capability it offers.
public struct RegisteredArchitecture: Sendable {
    /// Untyped so the table's closures stay one-liners; every loader throws only `ModelError`.
    public typealias Load = @Sendable (URL, Quantization) throws -> any Sendable

    public let architecture: ModelArchitecture
    public let modelType: String
    /// The class a config of this `model_type` means when it names none.
    public let isFamilyDefault: Bool
    /// What each capability loads: usually the class itself; the bare encoder for `featureExtraction` of a
    /// head model (its heads are not read).
    let loaders: KeyValuePairs<ModelCapability, Load>

    public var capabilities: [ModelCapability] { loaders.map(\.key) }

    init(_ architecture: ModelArchitecture, _ modelType: String, familyDefault: Bool = false,
         _ loaders: KeyValuePairs<ModelCapability, Load>) {
        self.architecture = architecture
        self.modelType = modelType
        self.isFamilyDefault = familyDefault
        self.loaders = loaders
    }
}

/// The one map from a model directory to the Swift implementation that reads it and to what it can serve, for
/// every family. Adding an architecture is a folder for its code and a line here.
public enum ModelRegistry {
    /// Every architecture, in the order error messages list them.
    public static let architectures: [RegisteredArchitecture] = [
        .init(.bertModel, "bert", familyDefault: true, [.featureExtraction: { try BertModel(directory: $0, quantization: $1) }]),
        .init(.bertForMaskedLM, "bert", [.fillMask: { try BertForMaskedLM(directory: $0, quantization: $1) },
                                         .featureExtraction: { try BertModel(directory: $0, quantization: $1) }]),
        .init(.bertForPreTraining, "bert", [.fillMask: { try BertForPreTraining(directory: $0, quantization: $1) },
                                            .nextSentence: { try BertForPreTraining(directory: $0, quantization: $1) },
                                            .featureExtraction: { try BertModel(directory: $0, quantization: $1) }]),
        .init(.bertForNextSentencePrediction, "bert", [.nextSentence: { try BertForNextSentencePrediction(directory: $0, quantization: $1) },
                                                       .featureExtraction: { try BertModel(directory: $0, quantization: $1) }]),
        .init(.bertForSequenceClassification, "bert", [.textClassification: { try BertForSequenceClassification(directory: $0, quantization: $1) },
                                                       .featureExtraction: { try BertModel(directory: $0, quantization: $1) }]),
        .init(.distilBertModel, "distilbert", familyDefault: true, [.featureExtraction: { try DistilBertModel(directory: $0, quantization: $1) }]),
        .init(.distilBertForMaskedLM, "distilbert", [.fillMask: { try DistilBertForMaskedLM(directory: $0, quantization: $1) },
                                                     .featureExtraction: { try DistilBertModel(directory: $0, quantization: $1) }]),
        .init(.distilBertForSequenceClassification, "distilbert", [
            .textClassification: { try DistilBertForSequenceClassification(directory: $0, quantization: $1) },
            .featureExtraction: { try DistilBertModel(directory: $0, quantization: $1) }]),
        .init(.marianMTModel, "marian", familyDefault: true, [.translation: { try MarianMTModel(directory: $0, quantization: $1) }]),
        .init(.kotobaSeq2SeqModel, Seq2SeqConfig.modelType, familyDefault: true,
              [.translation: { try Seq2SeqModel.load(directory: $0, quantization: $1) }]),
        .init(.word2vec, "word2vec", familyDefault: true, [.wordVectors: { _ = $1; return try WordVectors.load(directory: $0) }]),
    ]

    /// The two fields every transformers config carries that say which class wrote it.
    public struct Header: Decodable, Sendable {
        /// Family name, for instance `"bert"`.
        public var modelType: String
        /// Class names, for instance `["BertForMaskedLM"]`; absent in some hand-written configs.
        public var architectures: [String]?

        enum CodingKeys: String, CodingKey {
            case modelType = "model_type", architectures
        }
    }

    /// Every `model_type` Kotoba reads.
    public static var supportedModelTypes: [String] {
        Array(Set(architectures.map(\.modelType))).sorted()
    }

    /// The architectures that offer `capability`, by name.
    public static func architectures(serving capability: ModelCapability) -> [String] {
        architectures.filter { $0.capabilities.contains(capability) }.map(\.architecture.rawValue)
    }

    /// The model in `directory` as its class for `capability`; an architecture that does not offer it is
    /// `ModelError.unsupportedArchitecture` listing those that do.
    /// `quantization` applies to the linear layers of the architectures that have them (word vectors ignore it).
    public static func load(_ directory: URL, for capability: ModelCapability,
                            quantization: Quantization = .none) throws(ModelError) -> any Sendable {
        let found = entry(for: try architecture(of: directory))
        guard let load = found.loaders.first(where: { $0.key == capability })?.value else {
            throw .unsupportedArchitecture(name: found.architecture.rawValue,
                                           supported: architectures(serving: capability))
        }
        do {
            return try load(directory, quantization)
        } catch let error as ModelError {
            throw error
        } catch {
            throw .invalidFile(path: directory.path, reason: "\(error)")
        }
    }

    /// The architecture of the model in `directory`, from its `config.json`; a folder without one that holds
    /// word2vec's `vectors.bin` or `vectors.txt` is word vectors.
    ///
    /// An unknown `model_type`, or an `architectures` entry Kotoba does not implement, is
    /// `ModelError.unsupportedArchitecture` listing what is supported, so the operator sees the choice at load time.
    public static func architecture(of directory: URL) throws(ModelError) -> ModelArchitecture {
        let config = directory.appendingPathComponent("config.json")
        if !FileManager.default.fileExists(atPath: config.path),
           WordVectors.fileNames.contains(where: { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }) {
            return .word2vec
        }
        let header = try ConfigFile.decode(Header.self, from: directory.appendingPathComponent("config.json"))
        return try architecture(for: header)
    }

    /// The architecture a config header names.
    public static func architecture(for header: Header) throws(ModelError) -> ModelArchitecture {
        let family = architectures.filter { $0.modelType == header.modelType }
        guard let base = family.first(where: \.isFamilyDefault) else {
            throw .unsupportedArchitecture(name: header.modelType, supported: supportedModelTypes)
        }
        guard let named = header.architectures?.first else { return base.architecture }
        guard let match = family.first(where: { $0.architecture.rawValue == named }) else {
            throw .unsupportedArchitecture(name: named, supported: family.map(\.architecture.rawValue))
        }
        return match.architecture
    }

    static func entry(for architecture: ModelArchitecture) -> RegisteredArchitecture {
        // Every case has a line above; ModelRegistryTests checks it.
        architectures.first { $0.architecture == architecture }!
    }
}
