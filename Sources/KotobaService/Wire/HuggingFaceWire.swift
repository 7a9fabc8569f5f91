// The request and response shapes of the Hugging Face Inference API (hf-inference provider) as
// huggingface_hub's `InferenceClient` 2.4.0 sends and parses them (`inference/_client.py`,
// `inference/_providers/hf_inference.py`): `{"inputs": …, "parameters": {…}}`, except feature-extraction,
// whose parameters sit at the top level beside `inputs`.
import KotobaTasks

/// Reading `{"inputs", "parameters", "options"}` bodies.
enum HuggingFaceRequest {
    /// `options` (`wait_for_model`, `use_cache`) steer Hugging Face's own hosting; accepted and ignored.
    static let envelopeKeys: Set<String> = ["inputs", "parameters", "options"]

    /// `inputs` as a text or list of texts, and the `parameters` object (empty when absent) checked against `known`.
    static func read(_ fields: RequestFields, parameters known: Set<String>,
                     maxInputs: Int) throws(APIError) -> (CommonRequest, RequestFields) {
        try fields.rejectUnknown(envelopeKeys)
        _ = try fields.object("options")
        guard let (texts, isList) = try fields.texts("inputs", maxCount: maxInputs) else {
            throw .invalid("inputs is required")
        }
        let parameters = try fields.object("parameters") ?? RequestFields.empty("parameters")
        try parameters.rejectUnknown(known)
        let common = CommonRequest(texts: texts, isList: isList, model: nil,
                                   truncate: try parameters.bool("truncation") ?? false, side: .right)
        return (common, parameters)
    }
}

/// A JSON value the Hugging Face shapes nest at varying depth (one list per input, one per mask...).
indirect enum NestedBody<Leaf: Encodable>: Encodable {
    case leaf(Leaf)
    case list([NestedBody])

    func encode(to encoder: any Encoder) throws {
        switch self {
        case let .leaf(value): try value.encode(to: encoder)
        case let .list(values): try values.encode(to: encoder)
        }
    }
}

extension FillMaskResult {
    /// `FillMaskPipeline`'s shape: a flat list for one mask, a list per mask for several.
    var huggingFace: NestedBody<FillMaskCandidate> {
        masks.count == 1 ? .list(masks[0].map { .leaf($0) }) : .list(masks.map { .list($0.map { .leaf($0) }) })
    }
}

enum HuggingFaceShapes {
    /// One input answers with its own shape; a list answers with a list of them.
    static func perInput<Leaf>(_ items: [NestedBody<Leaf>], isList: Bool) -> NestedBody<Leaf> {
        isList || items.count != 1 ? .list(items) : items[0]
    }
}
