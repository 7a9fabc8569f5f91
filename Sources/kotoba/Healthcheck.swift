import ArgumentParser
import Foundation
import KotobaService

/// `kotoba healthcheck`: GET a probe path and exit 0 on 200, for container HEALTHCHECKs in images without curl.
///
/// It reads the same configuration layers as `serve` (the file from --config or $KOTOBA_CONFIG, then
/// KOTOBA_* variables), so it speaks HTTPS to the port exactly when the server does.
struct Healthcheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Exit 0 when the server answers 200 on a probe path.",
        discussion: """
            Uses HTTPS when tls.cert_file is set in the configuration, verifying the server's certificate \
            against the system CAs, or --cacert; --insecure skips the check (a probe of a local process \
            with a certificate for another name).
            """)

    @Option(help: "JSON config file (default: $KOTOBA_CONFIG); decides the port and whether to use HTTPS.")
    var config: String?

    @Option(help: "Server address.")
    var host = "127.0.0.1"

    @Option(help: "Server port (default: the configuration's port).")
    var port: Int?

    @Option(help: "Path to request.")
    var path = "/livez"

    @Option(help: "Seconds to wait for the whole exchange.")
    var timeout = 2.0

    @Option(help: ArgumentHelp("PEM file of CAs to verify the server's certificate with.", valueName: "file"))
    var cacert: String?

    @Flag(help: "Do not verify the server's certificate.")
    var insecure = false

    func run() throws {
        let configuration: ServiceConfiguration
        do {
            configuration = try ConfigurationLoader.load(file: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("kotoba healthcheck: configuration error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let verification: HealthProbe.Verification? = if !configuration.tls.isEnabled {
            nil
        } else if insecure {
            HealthProbe.Verification.none
        } else if let cacert {
            .certificateAuthorities(file: cacert)
        } else {
            .system
        }
        do {
            let response = try HealthProbe.get(host: host, port: port ?? configuration.port, path: path,
                                               timeout: timeout, tls: verification)
            guard response.status == 200 else {
                FileHandle.standardError.write(Data("kotoba healthcheck: \(path) answered \(response.status)\n".utf8))
                throw ExitCode.failure
            }
        } catch let failure as HealthProbe.Failure {
            FileHandle.standardError.write(Data("kotoba healthcheck: \(failure)\n".utf8))
            throw ExitCode.failure
        }
    }
}
