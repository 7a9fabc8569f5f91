import KotobaTensor

extension Tensor {
    /// An empty tensor left in place of one whose storage was handed over, so the new holder owns it alone and
    /// mutates it without a copy.
    static var handedOver: Tensor { Tensor(uncheckedShape: [0], storage: []) }
}
