import Foundation

/// Readings about this process from Linux's `/proc` (proc(5)); each is nil where `/proc` is absent.
enum ProcessMetrics {
    private static let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
    private static let clockTicks = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Resident set size in bytes: `/proc/self/statm` field 2 is resident pages.
    static func residentMemoryBytes() -> Double? {
        statm().flatMap { $0.count > 1 ? $0[1] * pageSize : nil }
    }

    /// Virtual memory size in bytes: `/proc/self/statm` field 1 is total pages.
    static func virtualMemoryBytes() -> Double? {
        statm().flatMap { $0.first.map { $0 * pageSize } }
    }

    /// User plus system CPU time: `/proc/self/stat` fields 14 and 15, in clock ticks.
    static func cpuSeconds() -> Double? {
        guard let fields = statFields(), fields.count > 15,
              let user = Double(fields[13]), let system = Double(fields[14]) else { return nil }
        return (user + system) / clockTicks
    }

    /// Seconds since the epoch when the process started: `/proc/self/stat` field 22 counts clock ticks from
    /// boot, and `/proc/stat`'s `btime` is the boot time.
    static func startTimeSeconds() -> Double? {
        guard let fields = statFields(), fields.count > 21, let ticks = Double(fields[21]),
              let stat = read("/proc/stat"),
              let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
              let boot = Double(line.dropFirst("btime ".count).trimmingCharacters(in: .whitespaces)) else {
            return nil
        }
        return boot + ticks / clockTicks
    }

    /// Open file descriptors, one per entry of `/proc/self/fd` (less the one listing it).
    static func openFileDescriptors() -> Double? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
        return Double(max(entries.count - 1, 0))
    }

    private static func statm() -> [Double]? {
        read("/proc/self/statm").map { $0.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) } }
    }

    /// `/proc/self/stat` split into fields numbered as proc(5) numbers them, less one. The command name (field
    /// 2) is in parentheses and may hold spaces, so fields are split after its closing parenthesis.
    private static func statFields() -> [String]? {
        guard let text = read("/proc/self/stat"), let close = text.lastIndex(of: ")") else { return nil }
        let rest = text[text.index(after: close)...].split(separator: " ").map(String.init)
        return ["pid", "comm"] + rest
    }

    private static func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }
}
