import COpenSSL
import Foundation

/// The server's OpenSSL context: certificate chain, key and protocol floor, swapped whole on reload so a
/// rotated certificate applies to new connections while open ones finish on the old.
package final class TLSContext: @unchecked Sendable {
    /// What the context is built from.
    package struct Settings: Sendable, Equatable {
        package var certificateFile: String
        package var keyFile: String
        package var minimumVersion: MinimumVersion

        package init(certificateFile: String, keyFile: String, minimumVersion: MinimumVersion = .tls12) {
            self.certificateFile = certificateFile
            self.keyFile = keyFile
            self.minimumVersion = minimumVersion
        }
    }

    /// The oldest protocol accepted; TLS 1.0 and 1.1 never are.
    package enum MinimumVersion: Sendable, Equatable {
        case tls12
        case tls13
    }

    /// Why a certificate or key cannot be used, naming the file.
    package struct SetupError: Error, Equatable, CustomStringConvertible {
        package let file: String
        package let reason: String
        package var description: String { "\(file): \(reason)" }
    }

    /// TLS 1.2 suites: ephemeral ECDH with AEAD ciphers only (no RSA key exchange, CBC, RC4, 3DES or SHA-1
    /// MACs). TLS 1.3's suites are all strong and keep OpenSSL's defaults.
    static let tls12Ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL"

    package let settings: Settings
    /// The SSL_CTX new connections use; each SSL holds its own reference, so replacing it is safe.
    private let context: Locked<OpaquePointer>

    package init(_ settings: Settings) throws(SetupError) {
        self.settings = settings
        context = Locked(try Self.makeContext(settings))
    }

    deinit {
        SSL_CTX_free(context.current)
    }

    /// Re-reads the certificate and key; on any failure the context in force stays and the error says why.
    package func reload() throws(SetupError) {
        let fresh = try Self.makeContext(settings)
        let old = context.withLock { current -> OpaquePointer in
            defer { current = fresh }
            return current
        }
        SSL_CTX_free(old)
    }

    /// Seconds until the certificate in force expires.
    package var secondsToExpiry: Int64 {
        context.withLock { Int64(kotoba_ssl_ctx_seconds_to_expiry($0)) }
    }

    /// A new server-side session for one connection; nil when OpenSSL cannot allocate one.
    func newSession() -> OpaquePointer? {
        context.withLock { SSL_new($0) }
    }

    private static func makeContext(_ settings: Settings) throws(SetupError) -> OpaquePointer {
        for file in [settings.certificateFile, settings.keyFile] {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw SetupError(file: file, reason: FileManager.default.fileExists(atPath: file)
                                 ? "cannot read (permissions)" : "no such file")
            }
        }
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw SetupError(file: settings.certificateFile, reason: "OpenSSL could not create a context: \(lastError())")
        }
        var owned = true
        defer { if owned { SSL_CTX_free(context) } }
        let floor = settings.minimumVersion == .tls13 ? TLS1_3_VERSION : TLS1_2_VERSION
        guard kotoba_ssl_ctx_set_min_version(context, floor) == 1,
              SSL_CTX_set_cipher_list(context, tls12Ciphers) == 1 else {
            throw SetupError(file: settings.certificateFile, reason: "OpenSSL refused the protocol settings: \(lastError())")
        }
        kotoba_ssl_ctx_harden(context)
        kotoba_ssl_ctx_offer_http11(context)
        guard SSL_CTX_use_certificate_chain_file(context, settings.certificateFile) == 1 else {
            throw SetupError(file: settings.certificateFile, reason: "not a usable PEM certificate: \(lastError())")
        }
        guard SSL_CTX_use_PrivateKey_file(context, settings.keyFile, SSL_FILETYPE_PEM) == 1 else {
            // OpenSSL checks the pair while loading the key; say so in words rather than its error code.
            let error = lastError()
            throw SetupError(file: settings.keyFile,
                             reason: error.contains("mismatch") ? "does not match the certificate in \(settings.certificateFile)"
                                                                : "not a usable PEM private key: \(error)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw SetupError(file: settings.keyFile, reason: "does not match the certificate in \(settings.certificateFile)")
        }
        switch kotoba_ssl_ctx_certificate_validity(context) {
        case -1: throw SetupError(file: settings.certificateFile, reason: "the certificate has expired")
        case 1: throw SetupError(file: settings.certificateFile, reason: "the certificate is not valid yet")
        case -2: throw SetupError(file: settings.certificateFile, reason: "holds no certificate")
        default: break
        }
        owned = false
        return context
    }

    static func lastError() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        kotoba_ssl_last_error(&buffer, buffer.count)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "unknown error" : text
    }
}
