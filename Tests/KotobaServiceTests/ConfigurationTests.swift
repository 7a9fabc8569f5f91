import Foundation
import Testing
@testable import KotobaService

@Suite struct ConfigurationTests {
    /// Writes `json` to a fresh temporary file and returns its path.
    private func file(_ json: String) throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("kotoba-config-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        return url.path
    }

    private func error(_ body: () throws(ConfigurationError) -> ServiceConfiguration) -> ConfigurationError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func committedConfigParsesToTheDefaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Config/kotoba.json").standardized.path
        var loaded = try ConfigurationLoader.load(file: path, environment: [:])
        // Every model it lists is a folder of Models/; apart from them the file spells out the defaults.
        #expect(!loaded.models.isEmpty)
        for model in loaded.models {
            #expect(model.path.hasPrefix("Models/"), "\(model.name): \(model.path)")
            let root = URL(fileURLWithPath: path).deletingLastPathComponent().deletingLastPathComponent()
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(model.path).path), "\(model.path)")
        }
        loaded.models = []
        #expect(loaded == ServiceConfiguration())
    }

    @Test func flagsBeatEnvironmentWhichBeatsFileWhichBeatsDefaults() throws {
        let path = try file(#"{"port": 9000, "host": "0.0.0.0", "drain_seconds": 2, "limits": {"max_body_bytes": 10}}"#)
        let environment = ["KOTOBA_PORT": "9001", "KOTOBA_DRAIN_SECONDS": "3", "PATH": "/bin"]
        let overrides = [ConfigurationOverride(flag: "--port", key: "port", value: "9002")]
        let loaded = try ConfigurationLoader.load(file: path, environment: environment, overrides: overrides)
        #expect(loaded.port == 9002)            // flag
        #expect(loaded.drainSeconds == 3)       // environment over file
        #expect(loaded.host == "0.0.0.0")       // file over default
        #expect(loaded.limits.maxBodyBytes == 10)
        #expect(loaded.limits.maxHeaderCount == ServiceConfiguration().limits.maxHeaderCount)  // default
    }

    @Test func everyKeyHasAnEnvironmentVariableThatSetsIt() throws {
        let values: [String: String] = [
            "host": "::1", "port": "1", "event_loops": "2", "max_connections": "3",
            "limits.max_uri_length": "100", "limits.max_header_bytes": "1000", "limits.max_header_count": "5",
            "limits.max_body_bytes": "6", "limits.max_connections_per_client": "22", "timeouts.header_seconds": "7", "timeouts.body_seconds": "8",
            "timeouts.idle_keep_alive_seconds": "9", "timeouts.write_seconds": "10", "drain_seconds": "11",
            "shutdown_deadline_seconds": "12", "log.format": "json", "log.level": "debug",
            "models": #"[{"name": "m", "task": "fill-mask", "path": "Models/m"}]"#,
            "batching.max_batch_size": "13", "batching.max_batch_tokens": "14", "batching.max_wait_seconds": "0.015",
            "batching.queue_capacity": "16", "batching.max_batch_memory_bytes": "23", "inference_workers": "17", "requests.timeout_seconds": "18",
            "requests.max_inputs": "19", "auth.api_keys_file": "/etc/kotoba/keys", "auth.exempt_metrics": "true",
            "cors.allowed_origins": #"["https://a.example", "*"]"#, "cors.allowed_headers": #"["content-type"]"#,
            "cors.max_age_seconds": "20", "compression.enabled": "false", "compression.min_bytes": "21",
            "tls.cert_file": "/tls/cert.pem", "tls.key_file": "/tls/key.pem", "tls.min_version": "1.3",
            "admin.enabled": "true",
        ]
        #expect(Set(values.keys) == Set(ConfigurationKey.all.map(\.path)))
        let environment = Dictionary(uniqueKeysWithValues: ConfigurationKey.all.map {
            ($0.environmentVariable, values[$0.path] ?? "")
        })
        #expect(environment["KOTOBA_LIMITS_MAX_BODY_BYTES"] == "6")
        let loaded = try ConfigurationLoader.load(file: nil, environment: environment)
        var expected = ServiceConfiguration()
        expected.host = "::1"
        expected.port = 1
        expected.eventLoops = 2
        expected.maxConnections = 3
        expected.limits.maxURILength = 100
        expected.limits.maxHeaderBytes = 1000
        expected.limits.maxHeaderCount = 5
        expected.limits.maxBodyBytes = 6
        expected.limits.maxConnectionsPerClient = 22
        expected.timeouts = .init()
        expected.timeouts.headerSeconds = 7
        expected.timeouts.bodySeconds = 8
        expected.timeouts.idleKeepAliveSeconds = 9
        expected.timeouts.writeSeconds = 10
        expected.drainSeconds = 11
        expected.shutdownDeadlineSeconds = 12
        expected.log.format = .json
        expected.log.level = .debug
        expected.models = [ModelSpec(name: "m", task: "fill-mask", path: "Models/m")]
        expected.batching.maxBatchSize = 13
        expected.batching.maxBatchTokens = 14
        expected.batching.maxWaitSeconds = 0.015
        expected.batching.queueCapacity = 16
        expected.batching.maxBatchMemoryBytes = 23
        expected.admin.enabled = true
        expected.inferenceWorkers = 17
        expected.requests.timeoutSeconds = 18
        expected.requests.maxInputs = 19
        expected.auth.apiKeysFile = "/etc/kotoba/keys"
        expected.auth.exemptMetrics = true
        expected.cors.allowedOrigins = ["https://a.example", "*"]
        expected.cors.allowedHeaders = ["content-type"]
        expected.cors.maxAgeSeconds = 20
        expected.compression.enabled = false
        expected.compression.minBytes = 21
        expected.tls.certFile = "/tls/cert.pem"
        expected.tls.keyFile = "/tls/key.pem"
        expected.tls.minVersion = .v1_3
        #expect(loaded == expected)
    }

    @Test func listKeysTakeJSONArraysInEveryLayer() throws {
        let path = try file(#"{"cors": {"allowed_origins": ["https://a.example"]}}"#)
        #expect(try ConfigurationLoader.load(file: path, environment: [:]).cors.allowedOrigins == ["https://a.example"])
        let flagged = try ConfigurationLoader.load(file: path, environment: [:], overrides: [
            ConfigurationOverride(flag: "--set", key: "cors.allowed_origins", value: #"["*"]"#)])
        #expect(flagged.cors.allowedOrigins == ["*"])
        for bad in [#""https://a.example""#, "https://a.example", #"[1]"#, #"[""]"#] {
            let found = error { () throws(ConfigurationError) in
                try ConfigurationLoader.load(file: nil, environment: ["KOTOBA_CORS_ALLOWED_ORIGINS": bad])
            }
            #expect(found?.key?.hasPrefix("cors.allowed_origins") == true, "\(bad)")
        }
    }

    @Test func tlsNeedsBothFiles() throws {
        for environment in [["KOTOBA_TLS_CERT_FILE": "/c.pem"], ["KOTOBA_TLS_KEY_FILE": "/k.pem"]] {
            let found = error { () throws(ConfigurationError) in try ConfigurationLoader.load(file: nil, environment: environment) }
            #expect(found?.key?.hasPrefix("tls.") == true, "\(environment)")
        }
        let both = try ConfigurationLoader.load(file: nil, environment: ["KOTOBA_TLS_CERT_FILE": "/c.pem", "KOTOBA_TLS_KEY_FILE": "/k.pem"])
        #expect(both.tls.isEnabled)
    }

    @Test func configFileCanComeFromTheEnvironment() throws {
        let path = try file(#"{"port": 7070}"#)
        #expect(try ConfigurationLoader.load(file: nil, environment: ["KOTOBA_CONFIG": path]).port == 7070)
    }

    @Test func unknownFileKeyNamesKeyAndFile() throws {
        let path = try file(#"{"limits": {"max_body_byte": 10}}"#)
        let found = error { () throws(ConfigurationError) in try ConfigurationLoader.load(file: path, environment: [:]) }
        #expect(found == ConfigurationError(key: "limits.max_body_byte", source: .file(path), reason: .unknownKey))
        #expect(found?.description.contains(path) == true)
        #expect(found?.description.contains("limits.max_body_byte") == true)
    }

    @Test func wrongTypeInFileIsRefusedNotCoerced() throws {
        for (json, key, found) in [(#"{"port": "80"}"#, "port", "string \"80\""), (#"{"port": 80.5}"#, "port", "number 80.5"),
                                   (#"{"port": true}"#, "port", "boolean true"), (#"{"limits": 3}"#, "limits", "integer 3"),
                                   (#"{"drain_seconds": "5"}"#, "drain_seconds", "string \"5\"")] {
            let path = try file(json)
            let failure = error { () throws(ConfigurationError) in try ConfigurationLoader.load(file: path, environment: [:]) }
            #expect(failure?.key == key, "\(json)")
            guard case let .wrongType(_, reported)? = failure?.reason else {
                Issue.record("\(json): expected a type error, got \(String(describing: failure))")
                continue
            }
            #expect(reported == found)
        }
    }

    @Test func outOfRangeEnvironmentValueNamesTheVariable() {
        let found = error { () throws(ConfigurationError) in
            try ConfigurationLoader.load(file: nil, environment: ["KOTOBA_PORT": "70000"])
        }
        #expect(found?.key == "port")
        #expect(found?.source == .environment("KOTOBA_PORT"))
        #expect(found?.description == "key \"port\" from environment variable KOTOBA_PORT: out of range: 70000 is not in 0...65535")
    }

    @Test func misspeltEnvironmentVariableIsRefused() {
        let found = error { () throws(ConfigurationError) in
            try ConfigurationLoader.load(file: nil, environment: ["KOTOBA_PROT": "80"])
        }
        #expect(found == ConfigurationError(key: nil, source: .environment("KOTOBA_PROT"), reason: .unknownKey))
    }

    /// `KOTOBA_CPU` is read by the kernel dispatcher, not applied as a key; the loader lets a usable value
    /// through and refuses one the dispatcher would have to ignore.
    @Test func kernelPathVariableIsCheckedNotRefusedAsUnknown() throws {
        #expect(try ConfigurationLoader.load(file: nil, environment: ["KOTOBA_CPU": "baseline"]) == ServiceConfiguration())
        let found = error { () throws(ConfigurationError) in
            try ConfigurationLoader.load(file: nil, environment: ["KOTOBA_CPU": "avx1024"])
        }
        #expect(found?.source == .environment("KOTOBA_CPU"))
        #expect(found?.description.contains("\"avx1024\" is not a kernel path; use one of: baseline") == true,
                "\(String(describing: found))")
    }

    @Test func badFlagValueNamesTheFlag() {
        let found = error { () throws(ConfigurationError) in
            try ConfigurationLoader.load(file: nil, environment: ["KOTOBA_PORT": "80"],
                                         overrides: [.init(flag: "--log-format", key: "log.format", value: "xml")])
        }
        #expect(found?.source == .flag("--log-format"))
        #expect(found?.key == "log.format")
        #expect(found?.description.contains("\"xml\" is not one of text, json") == true)
    }

    @Test func setFlagTakesAnyKey() throws {
        let override = try ConfigurationOverride.assignment("limits.max_header_count=7")
        #expect(override == ConfigurationOverride(flag: "--set", key: "limits.max_header_count", value: "7"))
        #expect(try ConfigurationLoader.load(file: nil, environment: [:], overrides: [override]).limits.maxHeaderCount == 7)
        #expect(throws: ConfigurationError.self) { try ConfigurationOverride.assignment("=7") }
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(file: nil, environment: [:], overrides: [.init(flag: "--set", key: "nope", value: "1")])
        }
    }

    @Test func missingAndMalformedFilesAreNamed() throws {
        let missing = "/nonexistent/kotoba.json"
        let unreadable = error { () throws(ConfigurationError) in try ConfigurationLoader.load(file: missing, environment: [:]) }
        #expect(unreadable?.source == .file(missing))
        guard case .unreadable? = unreadable?.reason else {
            Issue.record("expected unreadable, got \(String(describing: unreadable))")
            return
        }
        for json in ["{\"port\": ", "[1, 2]"] {
            let path = try file(json)
            let malformed = error { () throws(ConfigurationError) in try ConfigurationLoader.load(file: path, environment: [:]) }
            guard case .malformed? = malformed?.reason else {
                Issue.record("\(json): expected malformed, got \(String(describing: malformed))")
                continue
            }
        }
    }

    @Test func modelEntriesAreChecked() throws {
        let cases: [(String, String)] = [
            (#"[{"name": "a", "task": "t"}]"#, "models[0].path"),
            (#"[{"name": "a", "task": "t", "path": "p", "weights": "x"}]"#, "models[0].weights"),
            (#"[{"name": "a", "task": "t", "path": "p", "default": "yes"}]"#, "models[0].default"),
            (#"[{"name": "a", "task": "t", "path": "p"}, {"name": "a", "task": "u", "path": "q"}]"#, "models[1].name"),
            (#"[{"name": "a", "task": "t", "path": "p", "default": true}, {"name": "b", "task": "t", "path": "q", "default": true}]"#,
             "models[1].default"),
            (#"[{"name": "", "task": "t", "path": "p"}]"#, "models[0].name"),
            (#"{"name": "a"}"#, "models"),
            (#"[{"name": "a", "task": "t", "path": "p", "quantization": "int4"}]"#, "models[0].quantization"),
            (#"[{"name": "a", "task": "t", "path": "p", "quantization": true}]"#, "models[0].quantization"),
        ]
        for (json, key) in cases {
            let path = try file("{\"models\": \(json)}")
            let found = error { () throws(ConfigurationError) in try ConfigurationLoader.load(file: path, environment: [:]) }
            #expect(found?.key == key, "\(json): \(String(describing: found))")
            #expect(found?.source == .file(path))
        }
        let path = try file(#"{"models": [{"name": "a", "task": "t", "path": "p", "default": true}, {"name": "b", "task": "t", "path": "q", "quantization": "int8"}, {"name": "c", "task": "t", "path": "q", "quantization": "none"}]}"#)
        let models = try ConfigurationLoader.load(file: path, environment: [:]).models
        #expect(models == [ModelSpec(name: "a", task: "t", path: "p", isDefault: true),
                           ModelSpec(name: "b", task: "t", path: "q", quantization: .int8),
                           ModelSpec(name: "c", task: "t", path: "q")])
    }
}

@Suite struct ConfigurationDocumentationTests {
    @Test func readmeDocumentsEveryKeyAndVariable() throws {
        let readme = try String(contentsOf: KotobaProcess.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for key in ConfigurationKey.all {
            #expect(readme.contains("| `\(key.path)` | `\(key.environmentVariable)` |"), "README lacks \(key.path)")
        }
    }
}
