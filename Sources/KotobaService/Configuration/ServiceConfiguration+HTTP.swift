import Foundation
import KotobaHTTP

extension ServiceConfiguration {
    /// The HTTP server's share of the configuration.
    var httpServer: HTTPServerConfiguration {
        HTTPServerConfiguration(
            host: host, port: port,
            eventLoopCount: eventLoops > 0 ? eventLoops : max(1, ProcessInfo.processInfo.activeProcessorCount),
            maxConnections: maxConnections, maxConnectionsPerClient: limits.maxConnectionsPerClient,
            limits: .init(maxURILength: limits.maxURILength, maxHeaderBytes: limits.maxHeaderBytes,
                          maxHeaderCount: limits.maxHeaderCount, maxBodyBytes: limits.maxBodyBytes),
            timeouts: .init(header: timeouts.headerSeconds, body: timeouts.bodySeconds,
                            idleKeepAlive: timeouts.idleKeepAliveSeconds, write: timeouts.writeSeconds))
    }
}
