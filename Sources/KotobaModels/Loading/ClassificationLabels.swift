/// How a sequence classifier's logits become scores, from `config.json`'s `problem_type`.
public enum ProblemType: String, Sendable, Decodable {
    /// One label per input: softmax across labels.
    case singleLabel = "single_label_classification"
    /// Independent labels: a sigmoid per label.
    case multiLabel = "multi_label_classification"
    /// A real-valued output, reported as is.
    case regression
}

/// The label names of a classification head and how to score them.
public struct ClassificationLabels: Sendable, Equatable {
    /// Label names in logit order (`id2label`).
    public let names: [String]
    /// `problem_type` as the config gives it; `nil` when the config leaves it to be inferred.
    public let problemType: ProblemType?

    /// Labels from the config's `id2label` map (`{"0": "negative", ...}`), which must cover `0..<count` exactly.
    public init(id2label: [String: String]?, problemType: ProblemType?, count: Int, path: String) throws(ModelError) {
        guard let id2label else {
            // transformers' default names, used when a config carries none.
            self.names = (0..<count).map { "LABEL_\($0)" }
            self.problemType = problemType
            return
        }
        var names: [String] = []
        for index in 0..<id2label.count {
            guard let name = id2label[String(index)] else {
                throw .invalidConfig(path: path, field: "id2label", reason: "has no entry for label \(index)")
            }
            names.append(name)
        }
        guard names.count == count else {
            throw .invalidConfig(path: path, field: "id2label",
                                 reason: "names \(names.count) labels but the classifier has \(count) outputs")
        }
        self.names = names
        self.problemType = problemType
    }
}
