// exp(x) for Float without a libm call, so loops over a vocabulary (log-softmax) or a feed-forward row (swish)
// vectorise. Cody–Waite range reduction and the degree-6 polynomial of Cephes `expf` (S. Moshier, 1984–2000),
// accurate to about 2 ulp over the normal range, which is what PyTorch's vectorised (Sleef) exp gives too.

/// `e^x` for Float; exactly 0 below -87.3 (so -inf masks stay 0) and saturating near Float's largest finite value.
@inline(__always)
func fastExp(_ x: Float) -> Float {
    let clamped = min(max(x, -87.3), 88.3)
    let n = (clamped * 1.44269504088896341 + 0.5).rounded(.down)
    // r = x - n·ln2, with ln2 split so n·C1 is exact.
    let r = clamped - n * 0.693359375 + n * 2.12194440e-4
    var p: Float = 1.9875691500e-4
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    let e = p * r * r + r + 1
    let scale = Float(bitPattern: UInt32(truncatingIfNeeded: Int32(n) + 127) << 23)
    return x < -87.3 ? 0 : e * scale
}
