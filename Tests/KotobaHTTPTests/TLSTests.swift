import Foundation
import Testing
@testable import KotobaHTTP

/// A certificate and key made for one test by `openssl req` (self-signed, for localhost and 127.0.0.1).
struct TestCertificate {
    static let openssl = "/usr/bin/openssl"
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: openssl) && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    }

    let directory: URL
    var certificate: String { directory.appendingPathComponent("cert.pem").path }
    var key: String { directory.appendingPathComponent("key.pem").path }

    init(commonName: String = "localhost") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try regenerate(commonName: commonName)
    }

    /// Writes a fresh key and certificate over the files.
    func regenerate(commonName: String) throws {
        let made = try runProcess(Self.openssl, [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-keyout", key, "-out", certificate, "-subj", "/CN=\(commonName)",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
        guard made.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: ["output": made.output]) }
    }

    func context(_ minimum: TLSContext.MinimumVersion = .tls12) throws -> TLSContext {
        try TLSContext(.init(certificateFile: certificate, keyFile: key, minimumVersion: minimum))
    }
}

/// HTTPS on the server's own event loops, against curl, Python's ssl module and openssl s_client.
@Suite(.serialized, .enabled(if: TestCertificate.available, "needs openssl, curl and python3"))
struct TLSTests {
    private func curl(_ certificate: TestCertificate, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try runProcess("/usr/bin/curl", ["--silent", "--show-error", "--max-time", "5", "--cacert", certificate.certificate]
                     + arguments)
    }

    @Test func curlKeepsAliveUploadsChunksAndWaitsFor100Continue() throws {
        let certificate = try TestCertificate()
        let server = try TestServer(tls: try certificate.context())
        let base = "https://localhost:\(server.port)"

        let reuse = try curl(certificate, ["--verbose", "\(base)/one", "\(base)/two"])
        #expect(reuse.status == 0, "\(reuse.output)")
        #expect(reuse.output.contains("GET /one body=") && reuse.output.contains("GET /two body="))
        #expect(reuse.output.lowercased().contains("re-using existing connection")
            || reuse.output.lowercased().contains("reusing existing connection"), "\(reuse.output)")
        #expect(reuse.output.contains("ALPN: server accepted http/1.1")
            || reuse.output.contains("ALPN, server accepted to use http/1.1"), "\(reuse.output)")

        let chunked = try curl(certificate, ["-H", "Transfer-Encoding: chunked", "--data-binary", "in chunks", "\(base)/c"])
        #expect(chunked.output == "POST /c body=in chunks")
        let expect = try curl(certificate, ["-H", "Expect: 100-continue", "--data-binary", "after continue", "\(base)/e"])
        #expect(expect.output == "POST /e body=after continue")
        // A large body crosses many TLS records both ways.
        let large = String(repeating: "0123456789", count: 50_000)
        let bodyFile = certificate.directory.appendingPathComponent("body.txt")
        try Data(large.utf8).write(to: bodyFile)
        let echoed = try curl(certificate, ["--data-binary", "@\(bodyFile.path)", "\(base)/big"])
        #expect(echoed.output == "POST /big body=\(large)")
        // Without the CA the certificate is refused by the client, as it should be.
        #expect(try runProcess("/usr/bin/curl", ["--silent", "--max-time", "5", "\(base)/x"]).status != 0)
    }

    @Test func pythonsSSLClientVerifiesAndTalksHTTP11() throws {
        let certificate = try TestCertificate()
        let server = try TestServer(tls: try certificate.context())
        let script = """
        import http.client, ssl, sys
        context = ssl.create_default_context(cafile=sys.argv[1])
        context.set_alpn_protocols(["h2", "http/1.1"])
        connection = http.client.HTTPSConnection("localhost", int(sys.argv[2]), context=context)
        connection.request("POST", "/py", body=b"hello")
        response = connection.getresponse()
        print(response.status, response.read().decode(), connection.sock.version(), connection.sock.selected_alpn_protocol())
        connection.request("GET", "/again")
        print(connection.getresponse().read().decode())
        """
        let result = try runProcess("/usr/bin/python3", ["-c", script, certificate.certificate, "\(server.port)"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output == "200 POST /py body=hello TLSv1.3 http/1.1\nGET /again body=\n", "\(result.output)")
    }

    @Test func oldProtocolsAndWeakCiphersAreRefused() throws {
        let certificate = try TestCertificate()
        let server = try TestServer(tls: try certificate.context())
        func handshake(_ options: [String]) throws -> Bool {
            let result = try runProcess(TestCertificate.openssl, ["s_client", "-connect", "127.0.0.1:\(server.port)"] + options,
                                      input: "")
            return result.output.contains("Cipher is") && !result.output.contains("Cipher is (NONE)")
        }
        #expect(try handshake(["-tls1_2"]))
        #expect(try handshake(["-tls1_3"]))
        #expect(try !handshake(["-tls1_1"]))
        #expect(try !handshake(["-tls1"]))
        #expect(try !handshake(["-tls1_2", "-cipher", "AES128-SHA"]))       // RSA key exchange, CBC
        #expect(try !handshake(["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"]))  // CBC with SHA-1

        let strict = try TestServer(tls: try certificate.context(.tls13))
        let refused = try runProcess(TestCertificate.openssl, ["s_client", "-connect", "127.0.0.1:\(strict.port)", "-tls1_2"],
                                   input: "")
        #expect(!refused.output.contains("Cipher is ECDHE"), "\(refused.output)")
    }

    @Test func aStalledHandshakeIsClosedAtTheHeaderDeadline() throws {
        let certificate = try TestCertificate()
        let server = try TestServer(tls: try certificate.context())
        let silent = try RawClient(port: server.port, receiveTimeout: 3)
        let started = Date()
        #expect(silent.isClosedByPeer())
        // The first 5 bytes of a ClientHello record, then nothing.
        let partial = try RawClient(port: server.port, receiveTimeout: 3)
        #expect(partial.send([0x16, 0x03, 0x01, 0x02, 0x00]))
        #expect(partial.isClosedByPeer())
        #expect(Date().timeIntervalSince(started) < 4, "closed by the 1 s header deadline")
    }

    @Test func plainHTTPOnTheTLSPortIsClosedAndTheServerGoesOn() throws {
        let certificate = try TestCertificate()
        let server = try TestServer(tls: try certificate.context())
        for _ in 0..<3 {
            let plain = try RawClient(port: server.port, receiveTimeout: 3)
            #expect(plain.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
            #expect(plain.isClosedByPeer())
        }
        #expect(try curl(certificate, ["https://localhost:\(server.port)/after"]).output == "GET /after body=")
        #expect(server.server.openConnectionCount == 0 || eventually(within: 2) { server.server.openConnectionCount == 0 })
    }

    @Test func unusableFilesAreRefusedNamingThem() throws {
        let certificate = try TestCertificate()
        let other = try TestCertificate()
        func failure(_ cert: String, _ key: String) -> TLSContext.SetupError? {
            do {
                _ = try TLSContext(.init(certificateFile: cert, keyFile: key))
                return nil
            } catch {
                return error
            }
        }
        #expect(failure("/nonexistent/cert.pem", certificate.key) == .init(file: "/nonexistent/cert.pem", reason: "no such file"))
        #expect(failure(certificate.certificate, "/nonexistent/key.pem")?.file == "/nonexistent/key.pem")
        let mismatch = failure(certificate.certificate, other.key)
        #expect(mismatch?.file == other.key)
        #expect(mismatch?.reason.contains("does not match") == true, "\(String(describing: mismatch))")
        #expect(failure(certificate.key, certificate.key)?.reason.contains("not a usable PEM certificate") == true)
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("TLSFixtures")
        let expired = failure(fixtures.appendingPathComponent("expired-cert.pem").path,
                              fixtures.appendingPathComponent("expired-key.pem").path)
        #expect(expired?.reason == "the certificate has expired", "\(String(describing: expired))")
    }

    @Test func reloadRotatesTheCertificateAndKeepsItWhenTheNewPairIsBad() throws {
        let certificate = try TestCertificate(commonName: "first")
        let context = try certificate.context()
        let server = try TestServer(tls: context)
        func subject() throws -> String {
            let output = try runProcess(TestCertificate.openssl, ["s_client", "-connect", "127.0.0.1:\(server.port)"], input: "").output
            return output.split(separator: "\n").first { $0.hasPrefix("subject=") }.map(String.init) ?? output
        }
        #expect(try subject().contains("CN = first"))
        try certificate.regenerate(commonName: "second")
        try context.reload()
        #expect(try subject().contains("CN = second"))
        // A key that does not match: refused, and the second certificate stays in force.
        let stray = try TestCertificate(commonName: "stray")
        try FileManager.default.removeItem(atPath: certificate.key)
        try FileManager.default.copyItem(atPath: stray.key, toPath: certificate.key)
        #expect(throws: TLSContext.SetupError.self) { try context.reload() }
        #expect(try subject().contains("CN = second"))
        #expect(context.secondsToExpiry > 86_400 && context.secondsToExpiry <= 2 * 86_400)
    }
}
