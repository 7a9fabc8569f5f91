import Foundation
import KotobaModels

/// Checkpoints loaded once per directory and handed to every task that asks for them.
///
/// One `BertForPreTraining` directory serves both fill-mask and next-sentence; configured as two models, it would
/// otherwise be read and held twice. Weights are `ContiguousArray` storage, so the copies handed out share one
/// buffer. Loads are serialised, so two loaders starting on the same directory still read it once.
package final class SharedCheckpoints: @unchecked Sendable {
    private let lock = NSLock()
    /// By resolved directory and quantization: an int8 and a float entry on one folder are two models.
    private var preTraining: [String: BertForPreTraining] = [:]

    /// An empty cache.
    package init() {}

    /// Directories loaded so far.
    package var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return preTraining.count
    }

    /// The `BertForPreTraining` in `directory`, loaded on first use; nil when the directory holds another
    /// architecture (its task then loads it on its own).
    func bertForPreTraining(directory: URL, quantization: Quantization) throws(ModelError) -> BertForPreTraining? {
        guard try ModelRegistry.architecture(of: directory) == .bertForPreTraining else { return nil }
        let key = directory.standardizedFileURL.resolvingSymlinksInPath().path + "\u{0}" + quantization.rawValue
        lock.lock()
        defer { lock.unlock() }
        if let model = preTraining[key] { return model }
        let model = try BertForPreTraining(directory: directory, quantization: quantization)
        preTraining[key] = model
        return model
    }
}
