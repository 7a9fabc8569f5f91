import Foundation
import Logging
import KotobaJSON

/// A configuration value as a layer supplies it: typed JSON from the file, text from a variable or flag.
package enum RawConfigurationValue: Sendable, Equatable {
    case json(JSONValue)
    case text(String)
}

/// One configurable key: its dotted name in the file, its `KOTOBA_*` variable, and how a value is checked and
/// stored. `ConfigurationKey.all` is the only list of keys; the file, the environment and flags all use it.
package struct ConfigurationKey {
    /// Dotted name as the file nests it (`limits.max_body_bytes`).
    package let path: String
    /// One line for `--help` and the README.
    package let help: String
    /// Checks a value and stores it, or says why it cannot.
    let apply: (inout ServiceConfiguration, RawConfigurationValue, ConfigurationSource) throws(ConfigurationError) -> Void

    /// `KOTOBA_` followed by the dotted name in upper case with dots as underscores.
    package var environmentVariable: String {
        "KOTOBA_" + path.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    /// Section names (`limits`, `timeouts`, `log`) that group keys in the file.
    package static var sections: Set<String> {
        Set(all.compactMap { key in key.path.firstIndex(of: ".").map { String(key.path[..<$0]) } })
    }

    package static func named(_ path: String) -> ConfigurationKey? {
        all.first { $0.path == path }
    }

    package static var all: [ConfigurationKey] {
        [
            host("host", "address to bind, e.g. 127.0.0.1 or 0.0.0.0", \.host),
            integer("port", 0...65535, "TCP port; 0 picks a free one", \.port),
            integer("event_loops", 0...256, "event-loop threads; 0 = one per core", \.eventLoops),
            integer("max_connections", 1...1_000_000, "connections served at once", \.maxConnections),
            integer("limits.max_uri_length", 16...1_048_576, "longest request target in bytes (414)",
                    \.limits.maxURILength),
            integer("limits.max_header_bytes", 256...4_194_304, "largest request head in bytes (431)",
                    \.limits.maxHeaderBytes),
            integer("limits.max_header_count", 1...10_000, "most header fields per request (431)",
                    \.limits.maxHeaderCount),
            integer("limits.max_body_bytes", 0...1_073_741_824, "largest request body in bytes (413)",
                    \.limits.maxBodyBytes),
            integer("limits.max_connections_per_client", 0...1_000_000,
                    "connections one client address may hold open (429 above); 0 = no cap",
                    \.limits.maxConnectionsPerClient),
            seconds("timeouts.header_seconds", 0.001...3600, "time to receive a request head",
                    \.timeouts.headerSeconds),
            seconds("timeouts.body_seconds", 0.001...3600, "time to receive a request body", \.timeouts.bodySeconds),
            seconds("timeouts.idle_keep_alive_seconds", 0.001...3600, "idle time allowed between requests",
                    \.timeouts.idleKeepAliveSeconds),
            seconds("timeouts.write_seconds", 0.001...3600, "time to write one response", \.timeouts.writeSeconds),
            seconds("drain_seconds", 0...600, "seconds /readyz says 503 before the listener closes", \.drainSeconds),
            seconds("shutdown_deadline_seconds", 0...600, "seconds in-flight requests get after the listener closes",
                    \.shutdownDeadlineSeconds),
            choice("log.format", "text or json", \.log.format),
            choice("log.level", "trace, debug, info, notice, warning, error or critical", \.log.level),
            integer("batching.max_batch_size", 1...4096, "most requests in one batch", \.batching.maxBatchSize),
            integer("batching.max_batch_tokens", 1...16_777_216, "most padded tokens in one batch (rows × the longest input)",
                    \.batching.maxBatchTokens),
            seconds("batching.max_wait_seconds", 0...1, "how long an idle model waits for a batch to fill",
                    \.batching.maxWaitSeconds),
            integer("batching.max_batch_memory_bytes", 0...68_719_476_736,
                    "most bytes of attention scores per batch (rows × heads × longest² × 4); 0 = no bound",
                    \.batching.maxBatchMemoryBytes),
            integer("batching.queue_capacity", 1...1_000_000, "requests waiting per model (429 above)",
                    \.batching.queueCapacity),
            integer("inference_workers", 0...256, "inference threads, apart from the event loops; 0 = one per core",
                    \.inferenceWorkers),
            seconds("requests.timeout_seconds", 0.001...3600, "default deadline for queue and compute (504)",
                    \.requests.timeoutSeconds),
            integer("requests.max_inputs", 1...100_000, "most inputs in one request (422 above)",
                    \.requests.maxInputs),
            optionalPath("auth.api_keys_file", "file of API keys (or sha256:<hex> digests), one per line; unset: no keys",
                         \.auth.apiKeysFile),
            flag("auth.exempt_metrics", "serve /metrics without a key", \.auth.exemptMetrics),
            stringList("cors.allowed_origins", "origins browsers may call from, [\"*\"] for any; [] turns CORS off",
                       \.cors.allowedOrigins),
            stringList("cors.allowed_headers", "request headers a CORS preflight allows", \.cors.allowedHeaders),
            integer("cors.max_age_seconds", 0...86_400, "seconds a browser may cache a preflight", \.cors.maxAgeSeconds),
            flag("compression.enabled", "gzip response bodies for clients that accept it", \.compression.enabled),
            integer("compression.min_bytes", 0...1_073_741_824, "smallest response body gzip is used for",
                    \.compression.minBytes),
            optionalPath("tls.cert_file", "PEM certificate (and chain); with tls.key_file the listener speaks HTTPS only",
                         \.tls.certFile),
            optionalPath("tls.key_file", "PEM private key of tls.cert_file", \.tls.keyFile),
            choice("tls.min_version", "oldest TLS version accepted: 1.2 or 1.3", \.tls.minVersion),
            flag("admin.enabled", "serve POST /admin/reload (behind API keys when they are set)", \.admin.enabled),
            ConfigurationKey(path: "models", help: "models to load: [{\"name\", \"task\", \"path\", \"default\"}]") {
                configuration, raw, source throws(ConfigurationError) in
                configuration.models = try ModelSpec.parseList(raw, source: source)
            },
        ]
    }
}

extension ConfigurationKey {
    private static func integer(_ path: String, _ range: ClosedRange<Int>, _ help: String,
                                _ field: WritableKeyPath<ServiceConfiguration, Int>) -> ConfigurationKey {
        ConfigurationKey(path: path, help: help) { configuration, raw, source throws(ConfigurationError) in
            let value: Int
            switch raw {
            case let .json(.integer(parsed)): value = parsed
            case let .text(text):
                guard let parsed = Int(text.trimmingCharacters(in: .whitespaces)) else {
                    throw ConfigurationError(key: path, source: source,
                                             reason: .wrongType(expected: "an integer", found: "\"\(text)\""))
                }
                value = parsed
            case let .json(other):
                throw ConfigurationError(key: path, source: source,
                                         reason: .wrongType(expected: "an integer", found: other.summary))
            }
            guard range.contains(value) else {
                throw ConfigurationError(key: path, source: source,
                                         reason: .outOfRange("\(value) is not in \(range.lowerBound)...\(range.upperBound)"))
            }
            configuration[keyPath: field] = value
        }
    }

    private static func seconds(_ path: String, _ range: ClosedRange<Double>, _ help: String,
                                _ field: WritableKeyPath<ServiceConfiguration, Double>) -> ConfigurationKey {
        ConfigurationKey(path: path, help: help) { configuration, raw, source throws(ConfigurationError) in
            let value: Double
            switch raw {
            case let .json(.integer(parsed)): value = Double(parsed)
            case let .json(.number(parsed)): value = parsed
            case let .text(text):
                guard let parsed = Double(text.trimmingCharacters(in: .whitespaces)), parsed.isFinite else {
                    throw ConfigurationError(key: path, source: source,
                                             reason: .wrongType(expected: "a number of seconds", found: "\"\(text)\""))
                }
                value = parsed
            case let .json(other):
                throw ConfigurationError(key: path, source: source,
                                         reason: .wrongType(expected: "a number of seconds", found: other.summary))
            }
            guard range.contains(value) else {
                throw ConfigurationError(key: path, source: source,
                                         reason: .outOfRange("\(value) is not in \(range.lowerBound)...\(range.upperBound)"))
            }
            configuration[keyPath: field] = value
        }
    }

    private static func host(_ path: String, _ help: String,
                             _ field: WritableKeyPath<ServiceConfiguration, String>) -> ConfigurationKey {
        ConfigurationKey(path: path, help: help) { configuration, raw, source throws(ConfigurationError) in
            let value: String
            switch raw {
            case let .json(.string(text)), let .text(text): value = text
            case let .json(other):
                throw ConfigurationError(key: path, source: source,
                                         reason: .wrongType(expected: "a string", found: other.summary))
            }
            guard !value.isEmpty, !value.contains(where: \.isWhitespace) else {
                throw ConfigurationError(key: path, source: source,
                                         reason: .invalid("\"\(value)\" is not a host name or address"))
            }
            configuration[keyPath: field] = value
        }
    }

    /// A file path; JSON null or an empty string leaves it unset.
    private static func optionalPath(_ path: String, _ help: String,
                                     _ field: WritableKeyPath<ServiceConfiguration, String?>) -> ConfigurationKey {
        ConfigurationKey(path: path, help: help) { configuration, raw, source throws(ConfigurationError) in
            switch raw {
            case .json(.null): configuration[keyPath: field] = nil
            case let .json(.string(text)), let .text(text):
                configuration[keyPath: field] = text.isEmpty ? nil : text
            case let .json(other):
                throw ConfigurationError(key: path, source: source,
                                         reason: .wrongType(expected: "a file path", found: other.summary))
            }
        }
    }

    private static func flag(_ path: String, _ help: String,
                             _ field: WritableKeyPath<ServiceConfiguration, Bool>) -> ConfigurationKey {
        ConfigurationKey(path: path, help: help) { configuration, raw, source throws(ConfigurationError) in
            switch raw {
            case let .json(.bool(value)): configuration[keyPath: field] = value
            case let .text(text) where ["true", "false"].contains(text.trimmingCharacters(in: .whitespaces).lowercased()):
                configuration[keyPath: field] = text.trimmingCharacters(in: .whitespaces).lowercased() == "true"
            case let .text(text):
                throw ConfigurationError(key: path, source: source,
                                         reason: .wrongType(expected: "true or false", found: "\"\(text)\""))
            case let .json(other):
                throw ConfigurationError(key: path, source: source,
                                         reason: .wrongType(expected: "a boolean", found: other.summary))
            }
        }
    }

    /// A list of non-empty strings: a JSON array in the file, and the same array as JSON text in a variable or flag.
    private static func stringList(_ path: String, _ help: String,
                                   _ field: WritableKeyPath<ServiceConfiguration, [String]>) -> ConfigurationKey {
        ConfigurationKey(path: path, help: help) { configuration, raw, source throws(ConfigurationError) in
            let value: JSONValue
            switch raw {
            case let .json(json): value = json
            case let .text(text):
                do { value = try JSONValue.parse(Array(text.utf8)) } catch {
                    throw ConfigurationError(key: path, source: source,
                                             reason: .wrongType(expected: "a JSON array of strings", found: "\"\(text)\""))
                }
            }
            guard let items = value.arrayValue else {
                throw ConfigurationError(key: path, source: source,
                                         reason: .wrongType(expected: "an array of strings", found: value.summary))
            }
            var list: [String] = []
            for (index, item) in items.enumerated() {
                guard let text = item.stringValue, !text.isEmpty, !text.contains(where: \.isWhitespace) else {
                    throw ConfigurationError(key: "\(path)[\(index)]", source: source,
                                             reason: .wrongType(expected: "a non-empty string without spaces", found: item.summary))
                }
                list.append(text)
            }
            configuration[keyPath: field] = list
        }
    }

    private static func choice<Choice: RawRepresentable & CaseIterable>(
        _ path: String, _ help: String, _ field: WritableKeyPath<ServiceConfiguration, Choice>
    ) -> ConfigurationKey where Choice.RawValue == String {
        ConfigurationKey(path: path, help: help) { configuration, raw, source throws(ConfigurationError) in
            let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            let text: String
            switch raw {
            case let .json(.string(value)), let .text(value): text = value
            case let .json(other):
                throw ConfigurationError(key: path, source: source,
                                         reason: .wrongType(expected: "one of \(names)", found: other.summary))
            }
            guard let value = Choice(rawValue: text.lowercased()) else {
                throw ConfigurationError(key: path, source: source,
                                         reason: .invalid("\"\(text)\" is not one of \(names)"))
            }
            configuration[keyPath: field] = value
        }
    }
}
