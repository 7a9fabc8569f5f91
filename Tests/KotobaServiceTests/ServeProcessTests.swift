import Foundation
import KotobaTensor
import Testing
@testable import KotobaService

/// `kotoba serve` as a real process: the shutdown sequence end to end, and configuration errors' exit status.
@Suite(.serialized) struct ServeProcessTests {
    private let config = KotobaProcess.repositoryRoot.appendingPathComponent("Config/kotoba.json").path

    @Test func sigtermDrainsWithReadinessDownThenExitsZero() throws {
        let drain = 1.5
        let kotoba = try KotobaProcess(["serve", "--config", config, "--port", "0", "--drain-seconds", "\(drain)",
                                        "--shutdown-deadline", "2", "--log-format", "json"])
        #expect(KotobaProcess.eventually(within: 15) { kotoba.jsonLines.contains { $0["msg"] as? String == "listening" } },
                "no listening line; stderr: \(kotoba.lines)")
        let listening = try #require(kotoba.jsonLines.first { $0["msg"] as? String == "listening" })
        let port = try #require((listening["port"] as? NSNumber)?.intValue)
        #expect(port > 0)
        // Which kernels computed the answers, for whoever compares numbers across replicas.
        #expect(["baseline", "avx2", "avx512"].contains(listening["kernel_path"] as? String ?? ""), "\(listening)")
        #expect((listening["blas_core"] as? String)?.isEmpty == false, "\(listening)")
        // OpenBLAS runs kernels of this CPU's family: where it did not know the CPU and fell back to pre-AVX2
        // ones, the executable restarted itself with OPENBLAS_CORETYPE set (the test passes no such variable).
        let core = listening["blas_core"] as? String ?? ""
        #expect(OpenBLASCore.replacement(for: core, on: .current) == nil, "\(listening)")
        if let detected = listening["blas_core_detected"] as? String {
            #expect(OpenBLASCore.replacement(for: detected, on: .current) == core, "\(listening)")
        }

        // The default models load in the background after the port opens; ready once they all have.
        #expect(KotobaProcess.eventually(within: 90) {
            (try? HealthProbe.get(host: "127.0.0.1", port: port, path: "/readyz").status) == 200
        }, "the default models did not become ready; stderr: \(kotoba.lines)")
        let healthcheck = try KotobaProcess(["healthcheck", "--port", "\(port)"])
        #expect(healthcheck.exitStatus(within: 5) == 0)

        let signalled = Date()
        kill(kotoba.process.processIdentifier, SIGTERM)
        #expect(KotobaProcess.eventually(within: 1) {
            (try? HealthProbe.get(host: "127.0.0.1", port: port, path: "/readyz").status) == 503
        }, "readiness did not turn 503 after SIGTERM")
        // Still inside the drain window: the process answers, liveness holds, readiness says why.
        let readiness = try HealthProbe.get(host: "127.0.0.1", port: port, path: "/readyz")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(readiness.body)) as? [String: Any])
        #expect(body["phase"] as? String == "draining")
        #expect(try HealthProbe.get(host: "127.0.0.1", port: port, path: "/livez").status == 200)
        #expect(Date().timeIntervalSince(signalled) < drain, "the checks above must land inside the drain window")

        #expect(kotoba.exitStatus(within: drain + 5) == 0)
        #expect(Date().timeIntervalSince(signalled) >= drain - 0.1, "exited before the drain window ended")
        #expect(throws: HealthProbe.Failure.self) {
            try HealthProbe.get(host: "127.0.0.1", port: port, path: "/livez", timeout: 1)
        }
        let messages = kotoba.jsonLines.compactMap { $0["msg"] as? String }
        for expected in ["signal received", "draining", "closing listener", "stopped"] {
            #expect(messages.contains(expected), "missing \"\(expected)\" in \(messages)")
        }
        let requestLine = kotoba.jsonLines.first { $0["msg"] as? String == "request" && ($0["status"] as? NSNumber)?.intValue == 503 }
        #expect(requestLine?["route"] as? String == "/readyz")
        #expect(requestLine?["request_id"] is String)
        #expect(requestLine?["duration_ms"] is NSNumber)
    }

    @Test(arguments: [
        (["serve", "--port", "99999"], [:], "key \"port\" from flag --port: out of range"),
        (["serve"], ["KOTOBA_PORT": "eighty"], "key \"port\" from environment variable KOTOBA_PORT: expected an integer"),
        (["serve", "--set", "limits.max_body=1"], [:], "key \"limits.max_body\" from flag --set: unknown key"),
        (["serve", "--config", "/nonexistent.json"], [:], "config file /nonexistent.json: cannot read"),
        (["serve"], ["KOTOBA_CPU": "sse9"], "environment variable KOTOBA_CPU: \"sse9\" is not a kernel path"),
        (["translate", "--model", "Models/translate-ja-en", "犬"], ["KOTOBA_CPU": "AVX2"],
         "environment variable KOTOBA_CPU: \"AVX2\" is not a kernel path"),
    ] as [([String], [String: String], String)])
    func configurationErrorsExitTwoNamingKeyAndSource(arguments: [String], environment: [String: String],
                                                      message: String) throws {
        let kotoba = try KotobaProcess(arguments, environment: environment)
        #expect(kotoba.exitStatus(within: 10) == 2)
        #expect(KotobaProcess.eventually(within: 1) { kotoba.lines.contains { $0.contains(message) } },
                "stderr: \(kotoba.lines)")
    }

    @Test func healthcheckFailsWhenNothingListens() throws {
        // Port 1 is privileged and unused here: the connection is refused at once.
        let kotoba = try KotobaProcess(["healthcheck", "--port", "1", "--timeout", "1"])
        #expect(kotoba.exitStatus(within: 5) == 1)
    }
}
