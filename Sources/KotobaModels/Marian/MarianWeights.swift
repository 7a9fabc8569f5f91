// How Marian reads its checkpoint: names as transformers 5.24.0 models/marian/modeling_marian.py registers them
// (`model.encoder.layers.0.self_attn.q_proj.weight`), one prefix per module as in `vb.pp(...)` style loaders.
import KotobaTensor

/// Marian's view of a checkpoint: `WeightStore` scopes plus the in-place layer types Marian runs on.
struct MarianWeights: Sendable {
    let store: WeightStore

    /// The same weights one module down (`scoped("self_attn")`).
    func scoped(_ component: String) -> MarianWeights {
        MarianWeights(store: store.scoped(component))
    }

    /// The tensor `name` if present, checked against `shape`.
    func optional(_ name: String, shape: [Int]) throws(ModelError) -> ContiguousArray<Float>? {
        guard store.contains(name) else { return nil }
        let tensor = try store.tensor(name)
        // A `[1, n]` buffer such as `final_logits_bias` is accepted where `[n]` is expected.
        guard tensor.shape == shape
            || (tensor.shape.filter { $0 != 1 } == shape.filter { $0 != 1 } && tensor.count == shape.reduce(1, *))
        else {
            throw .shapeMismatch(tensor: store.qualified(name), expected: shape, found: tensor.shape,
                                 file: store.qualified(""))
        }
        return tensor.storage
    }

    /// The tensor `name`, which must exist with `shape`.
    func require(_ name: String, shape: [Int]) throws(ModelError) -> ContiguousArray<Float> {
        try store.tensor(name, shape: shape).storage
    }

    /// The first of `names` that exists: tied tensors are saved under only one of their names.
    func first(of names: [String], shape: [Int]) throws(ModelError) -> ContiguousArray<Float> {
        for name in names {
            if let values = try optional(name, shape: shape) { return values }
        }
        throw .missingTensor(name: names.map { store.qualified($0) }.joined(separator: " or "),
                             file: "model.safetensors")
    }

    /// `nn.Linear(inFeatures, outFeatures)` at `name`.
    func linear(_ name: String, in inFeatures: Int, out outFeatures: Int) throws(ModelError) -> MarianLinear {
        let scope = scoped(name)
        return MarianLinear(weight: try scope.require("weight", shape: [outFeatures, inFeatures]),
                            bias: try scope.require("bias", shape: [outFeatures]),
                            inFeatures: inFeatures, outFeatures: outFeatures)
    }

    /// `nn.LayerNorm(size)` at `name`.
    func layerNorm(_ name: String, size: Int) throws(ModelError) -> MarianLayerNorm {
        let scope = scoped(name)
        return MarianLayerNorm(weight: try scope.require("weight", shape: [size]),
                               bias: try scope.require("bias", shape: [size]))
    }
}
