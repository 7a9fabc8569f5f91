/// Why the service cannot start with its configuration. `kotoba serve` exits 2 with this message, as for a bad
/// configuration value.
package enum StartupError: Error, Equatable, CustomStringConvertible {
    /// A file a configuration key names (`auth.api_keys_file`, `tls.cert_file`) cannot be used.
    case unusableFile(key: String, path: String, reason: String)

    package var description: String {
        switch self {
        case let .unusableFile(key, path, reason): "\(key) \"\(path)\": \(reason)"
        }
    }
}
