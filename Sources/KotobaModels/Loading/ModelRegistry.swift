import Foundation

/// A model class Kotoba implements, named as transformers names it in `config.json`'s `architectures`.
public enum ModelArchitecture: String, Sendable, CaseIterable {
    case bertModel = "BertModel"
    case bertForMaskedLM = "BertForMaskedLM"
    case bertForPreTraining = "BertForPreTraining"
    case bertForNextSentencePrediction = "BertForNextSentencePrediction"
    case bertForSequenceClassification = "BertForSequenceClassification"
    case distilBertModel = "DistilBertModel"
    case distilBertForMaskedLM = "DistilBertForMaskedLM"
    case distilBertForSequenceClassification = "DistilBertForSequenceClassification"

    /// The `model_type` whose checkpoints this class reads.
    public var modelType: String {
        switch self {
        case .bertModel, .bertForMaskedLM, .bertForPreTraining, .bertForNextSentencePrediction,
             .bertForSequenceClassification: "bert"
        case .distilBertModel, .distilBertForMaskedLM, .distilBertForSequenceClassification: "distilbert"
        }
    }

    /// The class a config names no `architectures` for: the bare encoder of its `model_type`.
    static func base(of modelType: String) -> ModelArchitecture? {
        switch modelType {
        case "bert": .bertModel
        case "distilbert": .distilBertModel
        default: nil
        }
    }
}

/// Maps a model directory's `config.json` to the Swift implementation that reads it.
public enum ModelRegistry {
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
        Array(Set(ModelArchitecture.allCases.map(\.modelType))).sorted()
    }

    /// The architecture of the model in `directory`, from its `config.json`.
    ///
    /// An unknown `model_type`, or an `architectures` entry Kotoba does not implement, is
    /// `ModelError.unsupportedArchitecture` listing what is supported, so the operator sees the choice at load time.
    public static func architecture(of directory: URL) throws(ModelError) -> ModelArchitecture {
        let header = try ConfigFile.decode(Header.self, from: directory.appendingPathComponent("config.json"))
        return try architecture(for: header)
    }

    /// The architecture a config header names.
    public static func architecture(for header: Header) throws(ModelError) -> ModelArchitecture {
        guard let base = ModelArchitecture.base(of: header.modelType) else {
            throw .unsupportedArchitecture(name: header.modelType, supported: supportedModelTypes)
        }
        guard let named = header.architectures?.first else { return base }
        guard let architecture = ModelArchitecture(rawValue: named), architecture.modelType == header.modelType else {
            let supported = ModelArchitecture.allCases.filter { $0.modelType == header.modelType }.map(\.rawValue)
            throw .unsupportedArchitecture(name: named, supported: supported)
        }
        return architecture
    }
}
