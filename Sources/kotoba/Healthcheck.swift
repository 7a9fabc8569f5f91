import ArgumentParser
import Foundation
import KotobaService

/// `kotoba healthcheck`: GET a probe path and exit 0 on 200, for container HEALTHCHECKs in images without curl.
struct Healthcheck: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Exit 0 when the server answers 200 on a probe path.")

    @Option(help: "Server address.")
    var host = "127.0.0.1"

    @Option(help: "Server port.")
    var port = 8080

    @Option(help: "Path to request.")
    var path = "/livez"

    @Option(help: "Seconds to wait for the whole exchange.")
    var timeout = 2.0

    func run() throws {
        do {
            let response = try HealthProbe.get(host: host, port: port, path: path, timeout: timeout)
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
