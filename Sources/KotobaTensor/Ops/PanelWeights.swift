import CKernels

/// An `nn.Linear` weight `[out, in]` packed at load into panels of 16 outputs for the register-blocked kernel in
/// `CKernels/PanelBodies.h`, as floats or as IEEE halves (a checkpoint stored in F16, kept at its size).
///
/// The layout is for products that run again and again on the same weights: a decoder's steps, an encoder's
/// layers. Packing once at load is what a BLAS library does on every call; the kernel then reaches about 1.6× the
/// dot-product kernel (`SkinnyLinear`) on 16 rows (2–3× with AVX-512) and stays level with `sgemm` up to a
/// thousand rows.
/// Every output is one sum over k in order, so a row's result does not depend on the rows beside it.
package struct PanelWeights: Sendable {
    private enum Values: Sendable {
        case floats(ContiguousArray<Float>)
        case halves(ContiguousArray<UInt16>)
    }

    package let outFeatures: Int
    package let inFeatures: Int
    private let values: Values

    /// Packs `weight`, `[out, in]` floats, row-major.
    package init(floats weight: UnsafeBufferPointer<Float>, outFeatures: Int, inFeatures: Int) {
        precondition(weight.count == outFeatures * inFeatures, "\(weight.count) floats for [\(outFeatures), \(inFeatures)]")
        (self.outFeatures, self.inFeatures) = (outFeatures, inFeatures)
        values = .floats(Self.packed(outFeatures: outFeatures, inFeatures: inFeatures) {
            kotoba_pack_panels(weight.baseAddress, inFeatures, outFeatures, $0)
        })
    }

    /// Packs `weight`, `[out, in]` IEEE half bit patterns, keeping them halves: the kernel converts as it loads.
    package init(halves weight: UnsafeBufferPointer<UInt16>, outFeatures: Int, inFeatures: Int) {
        precondition(weight.count == outFeatures * inFeatures, "\(weight.count) halves for [\(outFeatures), \(inFeatures)]")
        (self.outFeatures, self.inFeatures) = (outFeatures, inFeatures)
        values = .halves(Self.packed(outFeatures: outFeatures, inFeatures: inFeatures) {
            kotoba_pack_panels_f16(weight.baseAddress, inFeatures, outFeatures, $0)
        })
    }

    /// A packed matrix's storage (every panel, the last one padded), filled by `pack`.
    private static func packed<Element>(outFeatures: Int, inFeatures: Int,
                                        _ pack: (UnsafeMutablePointer<Element>?) -> Void) -> ContiguousArray<Element> {
        let count = kotoba_panel_count(outFeatures) * 16 * inFeatures
        return ContiguousArray(unsafeUninitializedCapacity: count) { storage, initialized in
            pack(storage.baseAddress)
            initialized = count
        }
    }

    /// Whether the weights are held as halves.
    package var isHalves: Bool {
        if case .halves = values { true } else { false }
    }

    /// The `[out, in]` weights as floats (converted exactly from halves).
    package var floats: ContiguousArray<Float> {
        let count = outFeatures * inFeatures
        return ContiguousArray(unsafeUninitializedCapacity: count) { w, initialized in
            switch values {
            case let .floats(packed):
                packed.withUnsafeBufferPointer { kotoba_unpack_panels($0.baseAddress, inFeatures, outFeatures, w.baseAddress) }
            case let .halves(packed):
                var bits = ContiguousArray<UInt16>(repeating: 0, count: count)
                packed.withUnsafeBufferPointer { p in
                    bits.withUnsafeMutableBufferPointer { kotoba_unpack_panels_f16(p.baseAddress, inFeatures, outFeatures, $0.baseAddress) }
                }
                bits.withUnsafeBufferPointer { kotoba_halves_to_floats($0.baseAddress, w.baseAddress, count) }
            }
            initialized = count
        }
    }

    /// Fewest multiply-adds worth a second thread, as for the dot-product kernel (`SkinnyLinear`).
    static let minimumPerThread = 100_000

    /// `y[rows, out] = x[rows, in] · Wᵀ + bias`, `x` rows `ldx` apart, `y` rows `out` apart; the panels are split
    /// across the BLAS threads when there is enough work to pay for waking one.
    package func apply(_ x: UnsafePointer<Float>, rows: Int, ldx: Int, bias: UnsafePointer<Float>?,
                       into y: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        let (inFeatures, outFeatures) = (self.inFeatures, self.outFeatures)
        let panels = kotoba_panel_count(outFeatures)
        // Split in pairs of panels: the AVX-512 build's tiles take two panels, and a part that began or ended
        // halfway through a pair would run a one-panel tile at each edge.
        let pairs = (panels + 1) / 2
        let perPair = max(rows * inFeatures * 32, 1)
        let split = { (body: (Range<Int>) -> Void) in
            // Four parts per thread: a helper that wakes late, or a core the host is sharing, takes fewer.
            Parallel.forEachRange(pairs, minimumPerThread: max(1, Self.minimumPerThread / perPair), partsPerThread: 4) {
                body((2 * $0.lowerBound)..<min(2 * $0.upperBound, panels))
            }
        }
        switch values {
        case let .floats(packed):
            packed.withUnsafeBufferPointer { w in
                split { range in
                    kotoba_linear_panels(x, rows, ldx, inFeatures, w.baseAddress, outFeatures, bias, y,
                                         range.lowerBound, range.upperBound)
                }
            }
        case let .halves(packed):
            packed.withUnsafeBufferPointer { w in
                split { range in
                    kotoba_linear_panels_f16(x, rows, ldx, inFeatures, w.baseAddress, outFeatures, bias, y,
                                             range.lowerBound, range.upperBound)
                }
            }
        }
    }
}
