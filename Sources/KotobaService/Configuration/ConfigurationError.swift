/// A configuration value that cannot be used, naming the key and the layer it came from.
package struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// Why the value was refused.
    package enum Reason: Sendable, Equatable {
        /// The file could not be read (missing, unreadable).
        case unreadable(String)
        /// The file is not JSON, or its top level is not an object.
        case malformed(String)
        /// No such key exists.
        case unknownKey
        /// The value has the wrong JSON type or does not parse as one.
        case wrongType(expected: String, found: String)
        /// The value parses but lies outside what the key accepts.
        case outOfRange(String)
        /// The value is refused for another stated reason (duplicate model name, two defaults for a task...).
        case invalid(String)
    }

    /// Dotted key (`limits.max_body_bytes`, `models[1].task`); nil when the whole source is at fault.
    package var key: String?
    /// Layer the value came from.
    package var source: ConfigurationSource
    /// What is wrong with it.
    package var reason: Reason

    package init(key: String?, source: ConfigurationSource, reason: Reason) {
        self.key = key
        self.source = source
        self.reason = reason
    }

    package var description: String {
        let subject = key.map { "key \"\($0)\" from \(source)" } ?? "\(source)"
        switch reason {
        case let .unreadable(why): return "\(subject): cannot read: \(why)"
        case let .malformed(why): return "\(subject): not a JSON object: \(why)"
        case .unknownKey: return "\(subject): unknown key"
        case let .wrongType(expected, found): return "\(subject): expected \(expected), found \(found)"
        case let .outOfRange(why): return "\(subject): out of range: \(why)"
        case let .invalid(why): return "\(subject): \(why)"
        }
    }
}
