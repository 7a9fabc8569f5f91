#ifndef KOTOBA_COPENSSL_SHIM_H
#define KOTOBA_COPENSSL_SHIM_H
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>

// OpenSSL spells several calls as macros over SSL_CTX_ctrl/SSL_ctrl, which Swift cannot import; these
// wrappers can be called.

static inline int kotoba_ssl_ctx_set_min_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static inline long kotoba_ssl_ctx_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

static inline int kotoba_ssl_set_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

// ALPN (RFC 7301): the server speaks only HTTP/1.1. A client that offers it gets it; one that offers only
// other protocols (h2) gets no ALPN answer and the handshake goes on, as RFC 7301 §3.2 allows.
static inline int kotoba_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                                     const unsigned char *in, unsigned int inlen, void *arg) {
    (void)ssl;
    (void)arg;
    static const unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    unsigned char *selected = NULL;
    unsigned char selectedLength = 0;
    if (SSL_select_next_proto(&selected, &selectedLength, http11, sizeof(http11), in, inlen)
            == OPENSSL_NPN_NEGOTIATED) {
        *out = selected;
        *outlen = selectedLength;
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

static inline void kotoba_ssl_ctx_offer_http11(SSL_CTX *ctx) {
    SSL_CTX_set_alpn_select_cb(ctx, kotoba_alpn_select, NULL);
}

static inline int kotoba_ssl_set_alpn_http11(SSL *ssl) {
    static const unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    return SSL_set_alpn_protos(ssl, http11, sizeof(http11));
}

// Options for a server context: no TLS compression (CRIME), no renegotiation, the server's cipher order,
// a peer that closes without close_notify read as end of stream (HTTP/1.1 frames its own messages), and
// writes that may return after part of the buffer from a buffer that may move between retries.
static inline void kotoba_ssl_ctx_harden(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE
                                 | SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

// 0 when the context's certificate is valid now, -1 when it has expired, 1 when it is not valid yet,
// -2 when there is none.
static inline int kotoba_ssl_ctx_certificate_validity(SSL_CTX *ctx) {
    X509 *certificate = SSL_CTX_get0_certificate(ctx);
    if (certificate == NULL) return -2;
    if (X509_cmp_current_time(X509_get0_notAfter(certificate)) <= 0) return -1;
    if (X509_cmp_current_time(X509_get0_notBefore(certificate)) >= 0) return 1;
    return 0;
}

// Seconds from now until the context's certificate expires (negative once it has), for metrics.
static inline long long kotoba_ssl_ctx_seconds_to_expiry(SSL_CTX *ctx) {
    X509 *certificate = SSL_CTX_get0_certificate(ctx);
    if (certificate == NULL) return 0;
    int days = 0, seconds = 0;
    if (!ASN1_TIME_diff(&days, &seconds, NULL, X509_get0_notAfter(certificate))) return 0;
    return (long long)days * 86400 + seconds;
}

// Makes the handshake check that the peer's certificate names `host` (a DNS name or an IP address literal).
static inline int kotoba_ssl_expect_host(SSL *ssl, const char *host) {
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host) == 1) return 1;
    return X509_VERIFY_PARAM_set1_host(param, host, strlen(host));
}

// The most recent error on this thread's OpenSSL error queue as text ("" when none); clears the queue.
static inline void kotoba_ssl_last_error(char *buffer, size_t length) {
    unsigned long code = ERR_peek_last_error();
    if (code == 0) {
        if (length > 0) buffer[0] = 0;
    } else {
        ERR_error_string_n(code, buffer, length);
    }
    ERR_clear_error();
}
#endif
