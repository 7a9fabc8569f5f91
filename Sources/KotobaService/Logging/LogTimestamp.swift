import Foundation

/// UTC timestamps with milliseconds (`2026-12-01T07:00:00.123Z`), formatted by hand: `ISO8601DateFormatter`
/// is not Sendable and costs a lock or an allocation per line.
enum LogTimestamp {
    static func now() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendNow(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the current time's 24 bytes.
    static func appendNow(to bytes: inout [UInt8]) {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ width: Int) {
            var divisor: Int32 = 1
            for _ in 1..<width { divisor *= 10 }
            var value = value
            // A year past 9999 keeps its extra digits, as the String form did.
            while value / divisor >= 10 { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor))
                value %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        bytes.append(UInt8(ascii: "."))
        digits(Int32(time.tv_nsec / 1_000_000), 3)
        bytes.append(UInt8(ascii: "Z"))
    }
}
