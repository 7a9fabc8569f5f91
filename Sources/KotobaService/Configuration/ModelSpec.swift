import KotobaTasks

/// One entry of the `models` list: which model to load, for which task, from where.
package struct ModelSpec: Sendable, Equatable {
    /// Name clients use to pick the model (`"model": "bert-base"`); unique in the list.
    package var name: String
    /// Task the model serves (`fill-mask`, `text-classification`, `next-sentence`, `translation`...);
    /// the service needs a loader for it.
    package var task: String
    /// Directory in Hugging Face layout (config.json, model.safetensors, tokenizer files), relative to the
    /// working directory unless absolute.
    package var path: String
    /// Whether requests for this task that name no model get this one; at most one per task.
    package var isDefault: Bool
    /// How the linear layers' weights are held: `.int8` quantizes them at load (a quarter of the F32 bytes,
    /// integer products; see README "Quantization").
    package var quantization: Quantization

    package init(name: String, task: String, path: String, isDefault: Bool = false, quantization: Quantization = .none) {
        self.name = name
        self.task = task
        self.path = path
        self.isDefault = isDefault
        self.quantization = quantization
    }
}

/// The quantization choice, visible to the command-line target (which imports only this module).
package typealias Quantization = KotobaTasks.Quantization
