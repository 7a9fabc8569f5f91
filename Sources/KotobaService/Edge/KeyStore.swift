import KotobaHTTP

/// The API keys in force, swapped whole on reload so a request sees either the old set or the new one.
final class KeyStore: Sendable {
    let path: String
    private let keys: Locked<APIKeys>

    /// Reads `path` now; start-up refuses a file that cannot be used.
    init(path: String) throws(APIKeys.LoadError) {
        self.path = path
        keys = Locked(try APIKeys.load(path: path))
    }

    var current: APIKeys { keys.current }

    /// Re-reads the file; on failure the keys in force stay and the error says why.
    @discardableResult
    func reload() throws(APIKeys.LoadError) -> Int {
        let fresh = try APIKeys.load(path: path)
        keys.withLock { $0 = fresh }
        return fresh.entries.count
    }
}
