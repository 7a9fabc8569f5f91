import Foundation
import Testing
@testable import KotobaHTTP
@testable import KotobaService

/// Model reload in a real `kotoba serve` under a steady client load over every task endpoint: one reload adds
/// a model (SIGHUP), one replaces a model's files, one meets a broken model (both `POST /admin/reload`). Not
/// one request may fail, readiness must stay 200, and once a replaced model is released the resident memory
/// must come back near where it was.
@Suite(.serialized) struct ReloadProcessTests {
    static let models = KotobaProcess.repositoryRoot.appendingPathComponent("Models")
    static var modelsPresent: Bool {
        ["sentiment-en", "bert-en", "translate-ja-en", "translate-en-ja", "word2vec-en"].allSatisfy {
            FileManager.default.fileExists(atPath: models.appendingPathComponent($0).path)
        }
    }

    /// What the glibc allocator may keep after a model's weights are freed (arenas it does not trim at once,
    /// raised mmap thresholds), against the 90 MB the replaced classifier's F32 weights alone take: a model
    /// that stayed alive would exceed it.
    static let allocatorAllowanceKB = 48 * 1024

    /// One request of the load: path, body, and what the body must contain.
    struct Call: Sendable {
        var path: String
        var body: String
        var expect: String
    }

    static let calls = [
        Call(path: "/classify", body: #"{"text": "I love this movie."}"#, expect: "POSITIVE"),
        Call(path: "/fill-mask", body: #"{"text": "The capital of France is [MASK]."}"#, expect: "token_str"),
        Call(path: "/next-sentence", body: #"{"text": "I went to the shop.", "text_pair": "I bought some milk."}"#,
             expect: "is_next"),
        Call(path: "/translate", body: #"{"model": "translate-ja-en", "text": "犬はかわいい。"}"#, expect: "translation_text"),
        Call(path: "/similar", body: #"{"positive": ["king"], "top_k": 3}"#, expect: "score"),
    ]
    static let addedCall = Call(path: "/translate", body: #"{"model": "translate-en-ja", "text": "Dogs are cute."}"#,
                                expect: "translation_text")

    /// Clients sending `calls` in turn until stopped, recording every answer that is not a 200 with the
    /// expected content, and every `/readyz` that is not 200.
    final class Load: Sendable {
        let port: Int
        let calls: Locked<[Call]>
        let failures = Locked<[String]>([])
        let answered = Locked(0)
        private let stopping = Locked(false)
        private let finished = DispatchGroup()

        init(port: Int, calls: [Call], clients: Int) {
            self.port = port
            self.calls = Locked(calls)
            for client in 0..<clients {
                finished.enter()
                Thread.detachNewThread { [self] in
                    var turn = client
                    while !stopping.current {
                        let all = self.calls.current
                        let call = all[turn % all.count]
                        turn += 1
                        send(call)
                    }
                    finished.leave()
                }
            }
            finished.enter()
            Thread.detachNewThread { [self] in
                while !stopping.current {
                    let status = (try? HealthProbe.get(host: "127.0.0.1", port: port, path: "/readyz", timeout: 10))?.status
                    if status != 200 { failures.withLock { $0.append("/readyz: \(status.map(String.init) ?? "no answer")") } }
                    usleep(50_000)
                }
                finished.leave()
            }
        }

        private func send(_ call: Call) {
            do {
                let response = try HealthProbe.request("POST", host: "127.0.0.1", port: port, path: call.path,
                                                       body: Array(call.body.utf8), timeout: 60)
                let text = String(decoding: response.body, as: UTF8.self)
                if response.status != 200 || !text.contains(call.expect) {
                    failures.withLock { $0.append("\(call.path) \(call.body): \(response.status) \(text.prefix(300))") }
                }
            } catch {
                failures.withLock { $0.append("\(call.path) \(call.body): \(error)") }
            }
            answered.withLock { $0 += 1 }
        }

        func stop() {
            stopping.withLock { $0 = true }
            finished.wait()
        }
    }

    /// A scratch folder holding the configuration and a copy of sentiment-en whose files the test replaces.
    final class Workspace: Sendable {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-reload-\(UUID().uuidString)")
        var config: String { root.appendingPathComponent("kotoba.json").path }
        var sentiment: URL { root.appendingPathComponent("sentiment-en") }

        init() throws {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: ReloadProcessTests.models.appendingPathComponent("sentiment-en"),
                                             to: sentiment)
        }

        /// Writes the configuration by rename, as a ConfigMap update or a deploy tool does.
        func writeConfig(addingEnJa: Bool) throws {
            var models = [
                ["name": "sentiment-en", "task": "text-classification", "path": sentiment.path],
                ["name": "bert-en", "task": "fill-mask", "path": ReloadProcessTests.models.appendingPathComponent("bert-en").path],
                ["name": "bert-en-nsp", "task": "next-sentence",
                 "path": ReloadProcessTests.models.appendingPathComponent("bert-en").path],
                ["name": "translate-ja-en", "task": "translation",
                 "path": ReloadProcessTests.models.appendingPathComponent("translate-ja-en").path],
                ["name": "word2vec-en", "task": "word-vectors",
                 "path": ReloadProcessTests.models.appendingPathComponent("word2vec-en").path],
            ]
            if addingEnJa {
                models.append(["name": "translate-en-ja", "task": "translation",
                               "path": ReloadProcessTests.models.appendingPathComponent("translate-en-ja").path])
            }
            let object: [String: Any] = ["admin": ["enabled": true], "drain_seconds": 0, "models": models,
                                         "log": ["format": "json"]]
            try replace(config, with: try JSONSerialization.data(withJSONObject: object))
        }

        /// Replaces sentiment-en's weights by rename: the same bytes, or only their first kilobyte.
        func replaceWeights(broken: Bool) throws {
            let original = ReloadProcessTests.models.appendingPathComponent("sentiment-en/model.safetensors")
            let bytes = try Data(contentsOf: original)
            try replace(sentiment.appendingPathComponent("model.safetensors").path, with: broken ? bytes.prefix(1024) : bytes)
        }

        private func replace(_ path: String, with data: Data) throws {
            let staged = path + ".staged"
            try data.write(to: URL(fileURLWithPath: staged))
            #expect(rename(staged, path) == 0)
        }

        deinit { try? FileManager.default.removeItem(at: root) }
    }

    private static func reloadOverHTTP(port: Int) throws -> (Int, [String: Any]) {
        let response = try HealthProbe.request("POST", host: "127.0.0.1", port: port, path: "/admin/reload", timeout: 300)
        let body = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
        return (response.status, body)
    }

    @Test(.enabled(if: modelsPresent, "needs the shipped models"))
    func threeReloadsUnderLoadFailNoRequestAndGiveMemoryBack() throws {
        let workspace = try Workspace()
        try workspace.writeConfig(addingEnJa: false)
        let kotoba = try KotobaProcess(["serve", "--config", workspace.config, "--port", "0"])
        let pid = kotoba.process.processIdentifier
        defer { if kotoba.process.isRunning { kill(pid, SIGKILL) } }
        #expect(KotobaProcess.eventually(within: 15) { kotoba.jsonLines.contains { $0["msg"] as? String == "listening" } },
                "no listening line; stderr: \(kotoba.lines.suffix(20))")
        let listening = try #require(kotoba.jsonLines.first { $0["msg"] as? String == "listening" })
        let port = try #require((listening["port"] as? NSNumber)?.intValue)
        try #require(KotobaProcess.eventually(within: 240) {
            (try? HealthProbe.get(host: "127.0.0.1", port: port, path: "/readyz").status) == 200
        }, "not ready; stderr: \(kotoba.lines.suffix(20))")

        let load = Load(port: port, calls: Self.calls, clients: 2)
        defer { load.stop() }

        // 1. SIGHUP after the configuration gained a model: it loads in the background, then serves.
        try workspace.writeConfig(addingEnJa: true)
        kill(pid, SIGHUP)
        #expect(KotobaProcess.eventually(within: 240) {
            let models = try? HealthProbe.get(host: "127.0.0.1", port: port, path: "/v1/models", timeout: 10)
            return String(decoding: models?.body ?? [], as: UTF8.self).contains("translate-en-ja")
        })
        load.calls.withLock { $0.append(Self.addedCall) }
        usleep(2_000_000)
        let level = try #require(KotobaProcess.memoryKB(pid, "VmRSS"))

        // 2. sentiment-en's files replaced: its new version takes over, the old one is released.
        try workspace.replaceWeights(broken: false)
        let (replacedStatus, replaced) = try Self.reloadOverHTTP(port: port)
        #expect(replacedStatus == 200, "\(replaced)")
        #expect(replaced["replaced"] as? [String] == ["sentiment-en"])
        #expect((replaced["unchanged"] as? [String])?.count == 5)
        usleep(2_000_000)
        let afterReplace = try #require(KotobaProcess.memoryKB(pid, "VmRSS"))

        // 3. A broken file: the reload fails and says so, the previous version keeps serving, readiness holds.
        try workspace.replaceWeights(broken: true)
        let (brokenStatus, broken) = try Self.reloadOverHTTP(port: port)
        #expect(brokenStatus == 500, "\(broken)")
        #expect((broken["failed"] as? [String: String])?.keys.sorted() == ["sentiment-en"])
        let readiness = try HealthProbe.get(host: "127.0.0.1", port: port, path: "/readyz")
        #expect(readiness.status == 200)
        #expect(String(decoding: readiness.body, as: UTF8.self).contains("reload_error"))
        usleep(2_000_000)
        let afterBroken = try #require(KotobaProcess.memoryKB(pid, "VmRSS"))

        load.stop()
        let answered = load.answered.current
        #expect(load.failures.current.isEmpty, "\(load.failures.current.count) failures: \(load.failures.current.prefix(5))")
        #expect(answered >= 20, "the load answered only \(answered) requests")
        print("reload memory: level \(level / 1024) MB, after replacing \(afterReplace / 1024) MB, "
              + "after the broken reload \(afterBroken / 1024) MB; \(answered) requests answered")
        // Under AddressSanitizer freed memory sits in its quarantine, so RSS says nothing about the server there.
        if ProcessInfo.processInfo.environment["ASAN_OPTIONS"] == nil {
            #expect(afterReplace <= level + Self.allocatorAllowanceKB, "level \(level) KB, after replacing \(afterReplace) KB")
            #expect(afterBroken <= level + Self.allocatorAllowanceKB, "level \(level) KB, after the broken reload \(afterBroken) KB")
        }
        #expect(load.failures.current.isEmpty)

        kill(pid, SIGTERM)
        #expect(kotoba.exitStatus(within: 30) == 0)
    }
}
