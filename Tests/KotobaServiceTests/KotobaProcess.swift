import Foundation
import KotobaHTTP
import Testing
@testable import KotobaService

/// The built `kotoba` executable run as a child process, its standard error collected line by line.
final class KotobaProcess: @unchecked Sendable {
    let process = Process()
    private let errorLines = Locked<[String]>([])
    private let partial = Locked<String>("")

    /// `swift build` puts the executable beside the test bundle; the `.build/debug` link is the fallback.
    static var executable: URL? {
        let besideTests = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("kotoba")
        let inBuild = repositoryRoot.appendingPathComponent(".build/debug/kotoba")
        return [besideTests, inBuild].first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Starts `kotoba` with exactly `environment`, so the test does not depend on the caller's KOTOBA_* variables.
    init(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws {
        let executable = try #require(Self.executable, "build the kotoba product first (swift build)")
        process.executableURL = executable
        process.arguments = arguments
        // Sanitizer settings are the one thing inherited: a sanitized test run starts sanitized children, which
        // must run under the same options (README: Sanitizers).
        let inherited = ProcessInfo.processInfo.environment.filter { ["ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"].contains($0.key) }
        process.environment = environment.merging(inherited) { given, _ in given }
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [errorLines, partial] handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            partial.withLock { buffer in
                buffer += String(decoding: data, as: UTF8.self)
                while let newline = buffer.firstIndex(of: "\n") {
                    let line = String(buffer[..<newline])
                    buffer = String(buffer[buffer.index(after: newline)...])
                    errorLines.withLock { $0.append(line) }
                }
            }
        }
        try process.run()
    }

    var lines: [String] { errorLines.current }

    /// The JSON log lines written so far, parsed.
    var jsonLines: [[String: Any]] {
        lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Kilobytes from a `/proc/<pid>/status` line (`VmRSS`, `VmHWM`).
    static func memoryKB(_ pid: Int32, _ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    /// Polls until `condition` holds or `seconds` pass.
    static func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    /// Waits for the process to end; kills it and returns nil if it does not within `seconds`.
    func exitStatus(within seconds: Double) -> Int32? {
        guard Self.eventually(within: seconds, { !process.isRunning }) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : -process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
