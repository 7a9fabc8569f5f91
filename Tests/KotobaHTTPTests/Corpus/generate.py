#!/usr/bin/env python3
"""Writes the adversarial request corpus: one raw-bytes `<name>.http` per case and `expected.json`.

The .http files hold the exact bytes sent on the wire (real CRLFs, NULs, bare CRs), so edit this table and
rerun `python3 generate.py` rather than editing them by hand. Every request closes the connection: errors
because the server must close after them, valid ones because they send `Connection: close`.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
H = b"Host: example\r\n"
C = b"Connection: close\r\n"


def req(line, *fields, body=b""):
    return line + b"\r\n" + b"".join(f + b"\r\n" for f in fields) + b"\r\n" + body


CASES = [
    # (name, expected status, why, bytes)
    ("valid-get", 200, "baseline", req(b"GET / HTTP/1.1", b"Host: example", b"Connection: close")),
    ("valid-post-content-length", 200, "baseline body", req(b"POST /p HTTP/1.1", b"Host: e", b"Content-Length: 5", b"Connection: close", body=b"hello")),
    ("valid-chunked-trailers", 200, "chunked with a trailer field", req(b"POST /p HTTP/1.1", b"Host: e", b"Transfer-Encoding: chunked", b"Connection: close", body=b"5\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n")),
    ("valid-chunk-extensions", 200, "chunk extensions are ignored", req(b"POST /p HTTP/1.1", b"Host: e", b"Transfer-Encoding: chunked", b"Connection: close", body=b"5;name=value\r\nhello\r\n0;x\r\n\r\n")),
    ("valid-absolute-form", 200, "servers MUST accept absolute-form (RFC 9112 3.2.2)", req(b"GET http://example/x?y=1 HTTP/1.1", b"Host: example", b"Connection: close")),
    ("valid-http10-without-host", 200, "Host is required only in 1.1", req(b"GET / HTTP/1.0")),
    ("valid-leading-empty-line", 200, "one CRLF before the request line is ignored (RFC 9112 2.2)", b"\r\n" + req(b"GET / HTTP/1.1", b"Host: e", b"Connection: close")),
    ("valid-identical-content-lengths", 200, "identical repeated values may be accepted (RFC 9110 8.6)", req(b"POST / HTTP/1.1", b"Host: e", b"Content-Length: 3", b"Content-Length: 3", b"Connection: close", body=b"abc")),
    ("valid-content-length-leading-zeros", 200, "still 1*DIGIT", req(b"POST / HTTP/1.1", b"Host: e", b"Content-Length: 003", b"Connection: close", body=b"abc")),
    ("valid-options-asterisk", 200, "asterisk-form with OPTIONS", req(b"OPTIONS * HTTP/1.1", b"Host: e", b"Connection: close")),
    ("valid-obs-text-value", 200, "obs-text is allowed in values", req(b"GET / HTTP/1.1", b"Host: e", b"X-Name: caf\xc3\xa9\xff", b"Connection: close")),
    ("valid-http-1-2-as-1-1", 200, "a higher 1.x minor is served as 1.1 (RFC 9110 6.2)", req(b"GET / HTTP/1.2", b"Host: e", b"Connection: close")),
    ("valid-expect-continue-body-sent", 200, "client sent the body without waiting", req(b"POST / HTTP/1.1", b"Host: e", b"Expect: 100-continue", b"Content-Length: 2", b"Connection: close", body=b"hi")),

    ("smuggle-te-and-cl", 400, "TE with CL (RFC 9112 6.1)", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", b"Content-Length: 5", body=b"0\r\n\r\n")),
    ("smuggle-cl-and-te", 400, "CL then TE", req(b"POST / HTTP/1.1", H[:-2], b"Content-Length: 5", b"Transfer-Encoding: chunked", body=b"0\r\n\r\n")),
    ("smuggle-duplicate-differing-cl", 400, "two differing Content-Length fields", req(b"POST / HTTP/1.1", H[:-2], b"Content-Length: 5", b"Content-Length: 6", body=b"hello!")),
    ("smuggle-cl-list-differing", 400, "differing values in one list", req(b"POST / HTTP/1.1", H[:-2], b"Content-Length: 5, 6", body=b"hello!")),
    ("smuggle-cl-plus-sign", 400, "sign is not DIGIT", req(b"POST / HTTP/1.1", H[:-2], b"Content-Length: +5", body=b"hello")),
    ("smuggle-cl-negative", 400, "sign is not DIGIT", req(b"POST / HTTP/1.1", H[:-2], b"Content-Length: -1")),
    ("smuggle-cl-hex", 400, "hex is not DIGIT", req(b"POST / HTTP/1.1", H[:-2], b"Content-Length: 0x5", body=b"hello")),
    ("smuggle-cl-inner-space", 400, "space inside the number", req(b"POST / HTTP/1.1", H[:-2], b"Content-Length: 1 0", body=b"0123456789")),
    ("smuggle-cl-empty", 400, "empty value", req(b"POST / HTTP/1.1", H[:-2], b"Content-Length: ")),
    ("smuggle-cl-trailing-comma", 400, "empty list element", req(b"POST / HTTP/1.1", H[:-2], b"Content-Length: 5,", body=b"hello")),
    ("smuggle-te-chunked-not-last", 400, "chunked must be final (RFC 9112 6.3)", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked, gzip", body=b"0\r\n\r\n")),
    ("smuggle-te-chunked-twice", 400, "chunked applied twice", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", b"Transfer-Encoding: chunked", body=b"0\r\n\r\n")),
    ("smuggle-te-space-before-colon", 400, "whitespace before colon (RFC 9112 5.1)", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding : chunked", body=b"0\r\n\r\n")),
    ("smuggle-te-obs-fold", 400, "folded TE value", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding:", b" chunked", body=b"0\r\n\r\n")),
    ("smuggle-te-vertical-tab", 400, "control character in TE", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: \x0bchunked", body=b"0\r\n\r\n")),
    ("smuggle-te-empty", 400, "no coding at all", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: ")),
    ("smuggle-te-in-http10", 400, "TE in 1.0 is faulty framing", req(b"POST / HTTP/1.0", b"Transfer-Encoding: chunked", body=b"0\r\n\r\n")),
    ("te-gzip", 501, "unknown transfer coding", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: gzip")),
    ("te-gzip-then-chunked", 501, "gzip is not implemented", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: gzip, chunked", body=b"0\r\n\r\n")),

    ("obs-fold-header", 400, "obs-fold is rejected (RFC 9112 5.2)", req(b"GET / HTTP/1.1", H[:-2], b"X-A: b", b"\tc")),
    ("bare-cr-in-value", 400, "bare CR", req(b"GET / HTTP/1.1", H[:-2], b"X-A: b\rc")),
    ("bare-cr-before-crlf", 400, "CR CR LF", req(b"GET / HTTP/1.1", b"Host: e\r")),
    ("bare-cr-in-request-line", 400, "bare CR in target", req(b"GET /a\rb HTTP/1.1", H[:-2])),
    ("bare-lf-line-endings", 400, "lines must end with CRLF", b"GET / HTTP/1.1\nHost: e\n\n"),
    ("bare-lf-after-headers", 400, "mixed endings", b"GET / HTTP/1.1\r\nHost: e\r\n\n"),
    ("nul-in-header-value", 400, "NUL", req(b"GET / HTTP/1.1", H[:-2], b"X-A: a\x00b")),
    ("nul-in-target", 400, "NUL", req(b"GET /a\x00b HTTP/1.1", H[:-2])),
    ("del-in-header-value", 400, "DEL is a control", req(b"GET / HTTP/1.1", H[:-2], b"X-A: a\x7fb")),
    ("header-name-with-space", 400, "space is not tchar", req(b"GET / HTTP/1.1", H[:-2], b"X A: b")),
    ("header-name-with-at", 400, "@ is not tchar", req(b"GET / HTTP/1.1", H[:-2], b"X@A: b")),
    ("header-empty-name", 400, "empty field name", req(b"GET / HTTP/1.1", H[:-2], b": b")),
    ("header-without-colon", 400, "no colon", req(b"GET / HTTP/1.1", H[:-2], b"XA b")),
    ("host-space-before-colon", 400, "whitespace before colon", req(b"GET / HTTP/1.1", b"Host : e")),
    ("method-bad-token", 400, "( is not tchar", req(b"G(T / HTTP/1.1", H[:-2])),
    ("method-tab-separator", 400, "only SP separates", req(b"GET\t/ HTTP/1.1", H[:-2])),
    ("request-line-double-space", 400, "exactly one SP", req(b"GET  / HTTP/1.1", H[:-2])),
    ("request-line-http09", 400, "no version", b"GET /\r\n\r\n"),
    ("target-with-fragment", 400, "fragments are never sent", req(b"GET /a#b HTTP/1.1", H[:-2])),
    ("target-not-origin-form", 400, "relative target", req(b"GET a/b HTTP/1.1", H[:-2])),
    ("target-asterisk-with-get", 400, "asterisk-form only for OPTIONS", req(b"GET * HTTP/1.1", H[:-2])),
    ("target-authority-form", 400, "CONNECT is not served", req(b"CONNECT example:443 HTTP/1.1", H[:-2])),
    ("target-obs-text", 400, "raw non-ASCII in target", req(b"GET /caf\xc3\xa9 HTTP/1.1", H[:-2])),
    ("missing-host-http11", 400, "Host is required in 1.1 (RFC 9112 3.2)", req(b"GET / HTTP/1.1")),
    ("duplicate-host", 400, "exactly one Host", req(b"GET / HTTP/1.1", b"Host: a", b"Host: b")),
    ("version-malformed", 400, "not DIGIT.DIGIT", req(b"GET / HTTP/1.x", H[:-2])),
    ("version-lowercase", 400, "HTTP-name is case-sensitive", req(b"GET / http/1.1", H[:-2])),
    ("version-trailing-space", 400, "extra SP", req(b"GET / HTTP/1.1 ", H[:-2])),
    ("version-2-0", 505, "HTTP/2 over HTTP/1 framing", req(b"GET / HTTP/2.0", H[:-2])),
    ("version-0-9", 505, "pre-1.0", req(b"GET / HTTP/0.9", H[:-2])),
    ("version-3-1", 505, "unknown major", req(b"GET / HTTP/3.1", H[:-2])),
    ("uri-too-long", 414, "target past 8 KiB", req(b"GET /" + b"a" * 9000 + b" HTTP/1.1", H[:-2])),
    ("uri-too-long-unterminated", 414, "request line past the limit without a line end", b"GET /" + b"a" * 9000),
    ("header-too-large", 431, "one 40 KiB field", req(b"GET / HTTP/1.1", H[:-2], b"X-Big: " + b"b" * 40000)),
    ("header-section-too-large", 431, "many fields adding past 32 KiB", req(b"GET / HTTP/1.1", H[:-2], *[b"X-F%d: " % i + b"v" * 400 for i in range(90)])),
    ("too-many-headers", 431, "more than 100 fields", req(b"GET / HTTP/1.1", H[:-2], *[b"X-H%d: v" % i for i in range(150)])),
    ("body-too-large-content-length", 413, "decided from CL, body never read", req(b"POST / HTTP/1.1", H[:-2], b"Content-Length: 3145728")),
    ("content-length-overflow", 413, "20 digits saturate and fail the limit", req(b"POST / HTTP/1.1", H[:-2], b"Content-Length: 99999999999999999999")),
    ("chunk-size-not-hex", 400, "zz", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", body=b"zz\r\nhello\r\n0\r\n\r\n")),
    ("chunk-size-negative", 400, "sign", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", body=b"-5\r\nhello\r\n0\r\n\r\n")),
    ("chunk-size-overflow", 400, "18 hex digits", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", body=b"FFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n")),
    ("chunk-size-64-bit-wrap", 400, "16 digits that wrap negative", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", body=b"8000000000000005\r\nhello\r\n0\r\n\r\n")),
    ("chunk-size-over-body-limit", 413, "3 MiB chunk refused at its size line", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", body=b"300000\r\nhello")),
    ("chunk-size-trailing-space", 400, "BWS only before ';'", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", body=b"5 \r\nhello\r\n0\r\n\r\n")),
    ("chunk-size-empty", 400, "no digits", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", body=b"\r\nhello\r\n0\r\n\r\n")),
    ("chunk-data-missing-crlf", 400, "data longer than its size", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", body=b"5\r\nhelloX\r\n0\r\n\r\n")),
    ("chunk-size-bare-lf", 400, "size line ends in LF", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", body=b"5\nhello\r\n0\r\n\r\n")),
    ("chunk-extension-control", 400, "control character in extension", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", body=b"5;a=\x01\r\nhello\r\n0\r\n\r\n")),
    ("chunk-trailer-bad-name", 400, "space in trailer name", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", body=b"0\r\nX A: b\r\n\r\n")),
    ("chunk-trailer-obs-fold", 400, "folded trailer", req(b"POST / HTTP/1.1", H[:-2], b"Transfer-Encoding: chunked", body=b"0\r\nX-A: b\r\n c\r\n\r\n")),
    ("expect-unknown", 417, "only 100-continue is understood", req(b"POST / HTTP/1.1", H[:-2], b"Expect: 200-ok", b"Content-Length: 2", body=b"hi")),
    ("expect-continue-too-large", 413, "final status instead of 100 Continue", req(b"POST / HTTP/1.1", H[:-2], b"Expect: 100-continue", b"Content-Length: 3145728")),
]


def main():
    for name in os.listdir(HERE):
        if name.endswith(".http"):
            os.remove(os.path.join(HERE, name))
    expected = []
    names = set()
    for name, status, why, data in CASES:
        assert name not in names, name
        names.add(name)
        with open(os.path.join(HERE, name + ".http"), "wb") as f:
            f.write(data)
        expected.append({"file": name + ".http", "status": status, "why": why})
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"cases": expected}, f, indent=1)
        f.write("\n")
    print(f"{len(expected)} cases")


if __name__ == "__main__":
    main()
