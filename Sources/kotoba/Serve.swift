import ArgumentParser
import Foundation
import KotobaService

/// `kotoba serve`: load the configuration layers and run the service until SIGTERM or SIGINT.
///
/// Values are taken as text and checked by `ConfigurationLoader`, so a bad flag is reported the same way
/// as a bad file or environment value: key, source, reason, exit status 2.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the models in the configuration over HTTP.",
        discussion: """
            Precedence: flags > KOTOBA_* environment variables > the config file > built-in defaults. \
            Any key can be set with --set key=value or with its variable, KOTOBA_ + the key in upper case \
            with dots as underscores (limits.max_body_bytes: KOTOBA_LIMITS_MAX_BODY_BYTES). \
            A bad value exits with status 2, naming the key and where it came from.

            Keys: \(ConfigurationKey.all.map(\.path).joined(separator: ", "))
            """)

    @Option(help: "JSON config file (default: $KOTOBA_CONFIG, else built-in defaults).")
    var config: String?

    @Option(help: "Address to bind (key host).")
    var host: String?

    @Option(help: "TCP port, 0 for any free one (key port).")
    var port: String?

    @Option(name: .customLong("event-loops"), help: "Event-loop threads, 0 = one per core (key event_loops).")
    var eventLoops: String?

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body (key limits.max_body_bytes).")
    var maxBodyBytes: String?

    @Option(name: .customLong("drain-seconds"), help: "Seconds /readyz says 503 before the listener closes (key drain_seconds).")
    var drainSeconds: String?

    @Option(name: .customLong("shutdown-deadline"), help: "Seconds in-flight requests get after that (key shutdown_deadline_seconds).")
    var shutdownDeadline: String?

    @Option(name: .customLong("log-format"), help: "text or json (key log.format).")
    var logFormat: String?

    @Option(name: .customLong("log-level"), help: "trace ... critical (key log.level).")
    var logLevel: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Set any key.", valueName: "key=value"))
    var assignments: [String] = []

    func run() throws {
        let configuration: ServiceConfiguration
        do {
            configuration = try loadConfiguration()
        } catch {
            FileHandle.standardError.write(Data("kotoba: configuration error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        // A reload reads the same layers again: the file as it is then, the same variables and flags.
        let status = ServeRunner.run(configuration: configuration, reread: { try loadConfiguration() })
        if status != 0 { throw ExitCode(status) }
    }

    private func loadConfiguration() throws(ConfigurationError) -> ServiceConfiguration {
        // --set comes first so that a named flag, the more specific spelling, wins over it.
        var overrides: [ConfigurationOverride] = []
        for text in assignments {
            overrides.append(try ConfigurationOverride.assignment(text))
        }
        let named: [(flag: String, key: String, value: String?)] = [
            ("--host", "host", host), ("--port", "port", port), ("--event-loops", "event_loops", eventLoops),
            ("--max-body-bytes", "limits.max_body_bytes", maxBodyBytes),
            ("--drain-seconds", "drain_seconds", drainSeconds),
            ("--shutdown-deadline", "shutdown_deadline_seconds", shutdownDeadline),
            ("--log-format", "log.format", logFormat), ("--log-level", "log.level", logLevel),
        ]
        for option in named {
            if let value = option.value {
                overrides.append(ConfigurationOverride(flag: option.flag, key: option.key, value: value))
            }
        }
        return try ConfigurationLoader.load(file: config, environment: ProcessInfo.processInfo.environment,
                                            overrides: overrides)
    }
}
