import CKernels

/// How a model keeps its linear layers' weights once loaded.
public enum Quantization: String, Sendable, CaseIterable {
    /// As the checkpoint stores them (F32, or F16 kept as halves).
    case none
    /// Per-output-channel int8 codes (7-bit range, see `CKernels/Int8.c`) with float scales, quantized at load;
    /// activations are quantized per row at each call. A quarter of the F32 bytes, and integer arithmetic.
    case int8
}

/// An `nn.Linear` weight `[out, in]` quantized to int8 per output channel, packed in the kernels' layout.
package struct Int8Weights: Sendable {
    package let outFeatures: Int
    package let inFeatures: Int
    /// `padded_outputs(out) × padded_inputs(in)` codes in the kernels' layout.
    private let packed: ContiguousArray<Int8>
    /// One scale per (padded) output channel: w ≈ scale · code.
    private let scales: ContiguousArray<Float>
    /// Σ of each channel's codes, for the activations' zero point.
    private let codeSums: ContiguousArray<Int32>

    /// Quantizes `weight` (`[out, in]` floats, row-major).
    package init(weight: UnsafeBufferPointer<Float>, outFeatures: Int, inFeatures: Int) {
        precondition(weight.count == outFeatures * inFeatures, "\(weight.count) floats for [\(outFeatures), \(inFeatures)]")
        (self.outFeatures, self.inFeatures) = (outFeatures, inFeatures)
        let paddedOut = kotoba_int8_padded_outputs(outFeatures), paddedIn = kotoba_int8_padded_inputs(inFeatures)
        var packed = ContiguousArray<Int8>(repeating: 0, count: paddedOut * paddedIn)
        var scales = ContiguousArray<Float>(repeating: 0, count: paddedOut)
        var codeSums = ContiguousArray<Int32>(repeating: 0, count: paddedOut)
        packed.withUnsafeMutableBufferPointer { p in
            scales.withUnsafeMutableBufferPointer { s in
                codeSums.withUnsafeMutableBufferPointer { c in
                    kotoba_int8_pack_weights(weight.baseAddress, outFeatures, inFeatures, p.baseAddress, s.baseAddress,
                                             c.baseAddress)
                }
            }
        }
        (self.packed, self.scales, self.codeSums) = (packed, scales, codeSums)
    }

    /// Fewest multiply-adds worth a second thread: about 75 µs of this kernel's work. Measured, not derived from
    /// a wake-up cost: with 100k (the float kernel's figure) an 8-token sentiment-en pass on two threads took
    /// 2.0–2.4 ms p50 against 1.4–1.7 ms with this (BertLatency, three alternating rounds); 64 tokens and more
    /// gain under 10% from splitting smaller products.
    static let minimumPerThread = 6_400_000

    /// `y[rows, out] = x[rows, in] · Wᵀ + bias`, `x` rows `ldx` apart: the rows are quantized once, then the
    /// outputs split across the BLAS threads in blocks of 16.
    package func apply(_ x: UnsafePointer<Float>, rows: Int, ldx: Int, bias: UnsafePointer<Float>?,
                       into y: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        let paddedIn = kotoba_int8_padded_inputs(inFeatures)
        // One allocation for codes, scales and zero points (4-byte fields first, for alignment).
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: rows * (8 + paddedIn), alignment: 64)
        defer { bytes.deallocate() }
        let rowScales = bytes.bindMemory(to: Float.self, capacity: rows)
        let zeros = (bytes + 4 * rows).bindMemory(to: Int32.self, capacity: rows)
        let codes = (bytes + 8 * rows).bindMemory(to: UInt8.self, capacity: rows * paddedIn)
        kotoba_int8_quantize_rows(x, rows, inFeatures, ldx, codes, rowScales, zeros)
        let pairs = kotoba_int8_padded_outputs(outFeatures) / 16
        let (outFeatures, inFeatures) = (self.outFeatures, self.inFeatures)
        packed.withUnsafeBufferPointer { packed in
            scales.withUnsafeBufferPointer { scales in
                codeSums.withUnsafeBufferPointer { sums in
                    let perPair = max(16 * rows * inFeatures, 1)
                    Parallel.forEachRange(pairs, minimumPerThread: max(1, Self.minimumPerThread / perPair)) { range in
                        kotoba_int8_linear(codes, rowScales, zeros, rows, inFeatures, packed.baseAddress,
                                           scales.baseAddress, sums.baseAddress, outFeatures, bias, y, outFeatures,
                                           range.lowerBound, range.upperBound)
                    }
                }
            }
        }
    }

    /// The weights the codes stand for (scale · code), `[out, in]` row-major.
    package var dequantized: ContiguousArray<Float> {
        ContiguousArray(unsafeUninitializedCapacity: outFeatures * inFeatures) { buffer, initialized in
            packed.withUnsafeBufferPointer { packed in
                scales.withUnsafeBufferPointer { scales in
                    kotoba_int8_unpack_weights(packed.baseAddress, scales.baseAddress, outFeatures, inFeatures,
                                               buffer.baseAddress)
                }
            }
            initialized = outFeatures * inFeatures
        }
    }
}
