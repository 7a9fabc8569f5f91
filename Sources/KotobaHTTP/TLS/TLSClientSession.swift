import COpenSSL

/// The client side of TLS over a connected non-blocking socket, for `kotoba healthcheck` and tests; the
/// caller polls the socket for whichever readiness a call asks for.
package final class TLSClientSession {
    /// How the server's certificate is checked.
    package enum Verification: Sendable, Equatable {
        /// The system's trusted CAs, and the certificate must name the host.
        case system
        /// This PEM file's CAs (a self-signed certificate can be its own), and the certificate must name the host.
        case certificateAuthorities(file: String)
        /// No check at all (curl's --insecure): for a probe of our own process over loopback.
        case none
    }

    /// What one call did.
    package enum Outcome: Equatable {
        case done(Int)
        case wantRead
        case wantWrite
        case closed
        case failed(String)
    }

    private let context: OpaquePointer
    private let ssl: OpaquePointer

    package init(fd: Int32, host: String, verification: Verification) throws(TLSContext.SetupError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw .init(file: "-", reason: "OpenSSL could not create a client context: \(TLSContext.lastError())")
        }
        _ = kotoba_ssl_ctx_set_min_version(context, TLS1_2_VERSION)
        switch verification {
        case .system:
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                SSL_CTX_free(context)
                throw .init(file: "-", reason: "no system CA store: \(TLSContext.lastError())")
            }
        case let .certificateAuthorities(file):
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            guard SSL_CTX_load_verify_locations(context, file, nil) == 1 else {
                SSL_CTX_free(context)
                throw .init(file: file, reason: "not a usable PEM CA file: \(TLSContext.lastError())")
            }
        case .none:
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw .init(file: "-", reason: "OpenSSL could not create a session: \(TLSContext.lastError())")
        }
        self.context = context
        self.ssl = ssl
        SSL_set_fd(ssl, fd)
        SSL_set_connect_state(ssl)
        _ = kotoba_ssl_set_alpn_http11(ssl)
        // SNI only for names (RFC 6066 §3 forbids address literals).
        if !host.contains(":") && !host.allSatisfy({ $0.isNumber || $0 == "." }) {
            _ = kotoba_ssl_set_host_name(ssl, host)
        }
        if verification != .none { _ = kotoba_ssl_expect_host(ssl, host) }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    package func handshake() -> Outcome {
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .done(0) }
        if SSL_get_error(ssl, result) == SSL_ERROR_SSL, SSL_get_verify_result(ssl) != X509_V_OK {
            let reason = String(cString: X509_verify_cert_error_string(Int(SSL_get_verify_result(ssl))))
            ERR_clear_error()
            return .failed("certificate verification failed: \(reason)")
        }
        return outcome(of: result)
    }

    package func write(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        let result = SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count))
        return result > 0 ? .done(Int(result)) : outcome(of: result)
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) -> Outcome {
        let result = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        return result > 0 ? .done(Int(result)) : outcome(of: result)
    }

    private func outcome(of result: Int32) -> Outcome {
        let error = SSL_get_error(ssl, result)
        switch error {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL where result == 0:
            ERR_clear_error()
            return .closed
        default: return .failed(TLSContext.lastError())
        }
    }
}
