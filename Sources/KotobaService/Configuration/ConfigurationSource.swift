/// Where a configuration value came from, so an error can send the operator to the right place.
package enum ConfigurationSource: Sendable, Equatable, CustomStringConvertible {
    /// The built-in default.
    case defaults
    /// The JSON file at this path.
    case file(String)
    /// This environment variable.
    case environment(String)
    /// This command-line flag, spelled as typed (`--port`).
    case flag(String)

    package var description: String {
        switch self {
        case .defaults: "built-in defaults"
        case let .file(path): "config file \(path)"
        case let .environment(name): "environment variable \(name)"
        case let .flag(name): "flag \(name)"
        }
    }
}
