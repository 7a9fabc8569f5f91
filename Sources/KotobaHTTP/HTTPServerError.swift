/// Failures starting the server, naming the address and the system's reason.
package enum HTTPServerError: Error, CustomStringConvertible, Sendable {
    case resolveFailed(host: String, port: Int, reason: String)
    case socketFailed(host: String, port: Int, errno: Int32, reason: String)
    case bindFailed(host: String, port: Int, errno: Int32, reason: String)
    case listenFailed(host: String, port: Int, errno: Int32, reason: String)
    case alreadyStarted
    case invalidConfiguration(String)

    package var description: String {
        switch self {
        case let .resolveFailed(host, port, reason): return "cannot resolve \(host):\(port): \(reason)"
        case let .socketFailed(host, port, code, reason): return "socket() for \(host):\(port) failed: \(reason) (errno \(code))"
        case let .bindFailed(host, port, code, reason): return "cannot bind \(host):\(port): \(reason) (errno \(code))"
        case let .listenFailed(host, port, code, reason): return "cannot listen on \(host):\(port): \(reason) (errno \(code))"
        case .alreadyStarted: return "the server was already started"
        case let .invalidConfiguration(reason): return "invalid server configuration: \(reason)"
        }
    }
}
