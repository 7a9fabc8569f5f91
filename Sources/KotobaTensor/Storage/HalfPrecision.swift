/// Conversions from the 16-bit float formats checkpoints store to `Float`.
///
/// Written as bit manipulation rather than through `Float16` so the code is the same on every platform
/// (`Float16` is unavailable on macOS x86_64) and so NaN payloads and subnormals follow IEEE exactly.
public enum HalfPrecision {
    /// IEEE 754 binary16 → binary32, exact for every input including subnormals, infinities and NaN.
    @inlinable
    public static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            guard mantissa != 0 else { return Float(bitPattern: sign) }
            // Subnormal half: value is mantissa · 2^-24, exactly representable as a normal float.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
        }
    }

    /// bfloat16 → binary32: bfloat16 is the top half of a binary32, so the conversion is a shift.
    @inlinable
    public static func float(fromBFloat16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
