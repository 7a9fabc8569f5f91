#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `Date` header line, formatted once per second per event loop (IMF-fixdate, RFC 9110 §5.6.7).
struct DateCache {
    private var second: time_t = -1
    private var line: [UInt8] = []

    /// Appends "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n".
    mutating func append(to out: inout [UInt8]) {
        let now = time(nil)
        if now != second {
            second = now
            line = Self.format(now)
        }
        out.append(contentsOf: line)
    }

    static func format(_ seconds: time_t) -> [UInt8] {
        var clock = seconds
        var parts = tm()
        gmtime_r(&clock, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let text = "Date: \(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT\r\n"
        return Array(text.utf8)
    }
}
