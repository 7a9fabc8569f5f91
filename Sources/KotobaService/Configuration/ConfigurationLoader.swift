import Foundation
import KotobaTasks
import KotobaJSON

/// One value set on the command line: the flag as typed, the key it sets, and the text given.
package struct ConfigurationOverride: Sendable, Equatable {
    package var flag: String
    package var key: String
    package var value: String

    package init(flag: String, key: String, value: String) {
        self.flag = flag
        self.key = key
        self.value = value
    }

    /// Reads `--set key=value`.
    package static func assignment(_ text: String, flag: String = "--set") throws(ConfigurationError) -> Self {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ConfigurationError(key: nil, source: .flag(flag), reason: .invalid("expected key=value, got \"\(text)\""))
        }
        return Self(flag: flag, key: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
    }
}

/// Builds a `ServiceConfiguration` from four layers, each overriding the one before: defaults, the JSON
/// file, `KOTOBA_*` environment variables, flags. The first bad value stops it with an error naming the key
/// and the layer.
package enum ConfigurationLoader {
    /// Variable naming the config file when no `--config` flag does; it is not itself a key.
    package static let fileVariable = "KOTOBA_CONFIG"

    /// `KOTOBA_*` variables read outside the configuration: the file's name, the kernel build, which the
    /// kernel dispatcher reads itself in every process (tests and CLI too), and the OpenBLAS core a restart on
    /// a better one replaced (for the start-up log). Checked here, not applied.
    static let nonKeyVariables: Set<String> = [fileVariable, ComputeEnvironment.kernelVariable,
                                                ComputeEnvironment.blasDetectedVariable]

    package static func load(file: String?, environment: [String: String],
                            overrides: [ConfigurationOverride] = []) throws(ConfigurationError) -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        if let path = file ?? environment[fileVariable] {
            try applyFile(at: path, to: &configuration)
        }
        try applyEnvironment(environment, to: &configuration)
        for override in overrides {
            let source = ConfigurationSource.flag(override.flag)
            guard let key = ConfigurationKey.named(override.key) else {
                throw ConfigurationError(key: override.key, source: source, reason: .unknownKey)
            }
            try key.apply(&configuration, .text(override.value), source)
        }
        try checkPairs(configuration)
        return configuration
    }

    /// Keys that only work together: the error names the one left at its default.
    private static func checkPairs(_ configuration: ServiceConfiguration) throws(ConfigurationError) {
        switch (configuration.tls.certFile, configuration.tls.keyFile) {
        case (_?, nil):
            throw ConfigurationError(key: "tls.key_file", source: .defaults, reason: .invalid("unset, but tls.cert_file is set: HTTPS needs both"))
        case (nil, _?):
            throw ConfigurationError(key: "tls.cert_file", source: .defaults, reason: .invalid("unset, but tls.key_file is set: HTTPS needs both"))
        default:
            break
        }
    }

    static func applyFile(at path: String, to configuration: inout ServiceConfiguration) throws(ConfigurationError) {
        let source = ConfigurationSource.file(path)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(key: nil, source: source, reason: .unreadable(error.localizedDescription))
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(data)
        } catch {
            throw ConfigurationError(key: nil, source: source, reason: .malformed(String(describing: error)))
        }
        guard let object = root.dictionaryValue else {
            throw ConfigurationError(key: nil, source: source, reason: .malformed("the top level is \(root.summary)"))
        }
        try applyObject(object, prefix: "", source: source, to: &configuration)
    }

    /// Walks nested objects (`{"limits": {"max_body_bytes": 1}}`) down to dotted keys; sorted so that the error
    /// for a file with two bad keys is the same on every run.
    private static func applyObject(_ object: [String: JSONValue], prefix: String, source: ConfigurationSource,
                                    to configuration: inout ServiceConfiguration) throws(ConfigurationError) {
        let sections = ConfigurationKey.sections
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            let path = prefix + name
            if prefix.isEmpty, sections.contains(name) {
                guard let nested = value.dictionaryValue else {
                    throw ConfigurationError(key: path, source: source,
                                             reason: .wrongType(expected: "an object", found: value.summary))
                }
                try applyObject(nested, prefix: path + ".", source: source, to: &configuration)
            } else if let key = ConfigurationKey.named(path) {
                try key.apply(&configuration, .json(value), source)
            } else {
                throw ConfigurationError(key: path, source: source, reason: .unknownKey)
            }
        }
    }

    /// Refuses a `KOTOBA_CPU` naming no kernel path, or one this CPU cannot run: the dispatcher would quietly
    /// run the best path instead. Every command that computes calls this before its first result.
    package static func checkKernelRequest(_ environment: [String: String]) throws(ConfigurationError) {
        let name = ComputeEnvironment.kernelVariable
        if let value = environment[name], let problem = ComputeEnvironment.kernelRequestProblem(value) {
            throw ConfigurationError(key: nil, source: .environment(name), reason: .invalid(problem))
        }
    }

    /// A `KOTOBA_*` variable that names no key is refused: a misspelt override silently doing nothing is
    /// worse than a service that will not start.
    private static func applyEnvironment(_ environment: [String: String],
                                         to configuration: inout ServiceConfiguration) throws(ConfigurationError) {
        try checkKernelRequest(environment)
        let keys = Dictionary(uniqueKeysWithValues: ConfigurationKey.all.map { ($0.environmentVariable, $0) })
        for (name, value) in environment.sorted(by: { $0.key < $1.key })
        where name.hasPrefix("KOTOBA_") && !nonKeyVariables.contains(name) {
            guard let key = keys[name] else {
                throw ConfigurationError(key: nil, source: .environment(name), reason: .unknownKey)
            }
            try key.apply(&configuration, .text(value), .environment(name))
        }
    }
}
