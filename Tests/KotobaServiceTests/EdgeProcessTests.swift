import Foundation
import Testing
@testable import KotobaService

/// The edge of a real `kotoba serve` (no models) against real clients: curl, and Python's standard library
/// (gzip, zlib, urllib). Both are installed by scripts/install-deps.sh.
@Suite(.serialized) struct EdgeProcessTests {
    static let curl = "/usr/bin/curl"
    static let python = "/usr/bin/python3"
    static let key = "kt-process-7d1e"
    static var toolsPresent: Bool {
        FileManager.default.isExecutableFile(atPath: curl) && FileManager.default.isExecutableFile(atPath: python)
    }

    private static func temporaryFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-edge-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Starts the server with `environment` added; returns it and its port.
    private func serve(_ environment: [String: String]) throws -> (KotobaProcess, Int) {
        let kotoba = try KotobaProcess(["serve", "--port", "0", "--log-format", "json", "--drain-seconds", "0"],
                                       environment: environment)
        #expect(KotobaProcess.eventually(within: 15) { kotoba.jsonLines.contains { $0["msg"] as? String == "listening" } },
                "no listening line; stderr: \(kotoba.lines)")
        let listening = try #require(kotoba.jsonLines.first { $0["msg"] as? String == "listening" })
        return (kotoba, try #require((listening["port"] as? NSNumber)?.intValue))
    }

    @Test(.enabled(if: toolsPresent, "needs curl and python3"))
    func gzipBothWaysWithCurlAndPython() throws {
        let (kotoba, port) = try serve([:])
        defer { kill(kotoba.process.processIdentifier, SIGKILL) }
        let base = "http://127.0.0.1:\(port)"

        // curl --compressed asks for gzip and inflates; the headers show it was used.
        let curl = try runProcess(Self.curl, ["--silent", "--compressed", "--dump-header", "/dev/stderr", "\(base)/openapi.json"])
        #expect(curl.status == 0)
        #expect(curl.output.lowercased().contains("content-encoding: gzip"), "\(curl.output.prefix(400))")
        #expect(curl.output.lowercased().contains("vary: accept-encoding"))
        #expect(curl.output.contains(#""openapi":"3.1.0""#))

        // Python: a gzip, a zlib and a raw-deflate request body each reach the route as JSON (a 404 naming the
        // missing model, not a 400), and a gzip response inflates with gzip.decompress.
        let script = """
        import gzip, json, sys, urllib.request, urllib.error, zlib
        base = sys.argv[1]
        body = json.dumps({"text": "a dog runs"}).encode()
        raw = zlib.compressobj(wbits=-15)
        for name, data in [("gzip", gzip.compress(body)), ("deflate", zlib.compress(body)),
                           ("deflate", raw.compress(body) + raw.flush())]:
            request = urllib.request.Request(base + "/classify", data=data,
                                             headers={"Content-Encoding": name, "Content-Type": "application/json"})
            try:
                urllib.request.urlopen(request)
            except urllib.error.HTTPError as error:
                print(name, error.code, json.loads(error.read())["error_type"])
        request = urllib.request.Request(base + "/openapi.json", headers={"Accept-Encoding": "br;q=1, gzip;q=0.5"})
        with urllib.request.urlopen(request) as response:
            print(response.headers["Content-Encoding"], json.loads(gzip.decompress(response.read()))["openapi"])
        request = urllib.request.Request(base + "/openapi.json", headers={"Accept-Encoding": "gzip;q=0, identity"})
        with urllib.request.urlopen(request) as response:
            print(response.headers["Content-Encoding"], json.loads(response.read())["openapi"])
        request = urllib.request.Request(base + "/classify", data=b"x", headers={"Content-Encoding": "br"})
        try:
            urllib.request.urlopen(request)
        except urllib.error.HTTPError as error:
            print("br", error.code, json.loads(error.read())["error_type"])
        request = urllib.request.Request(base + "/classify", data=gzip.compress(body)[:-5], headers={"Content-Encoding": "gzip"})
        try:
            urllib.request.urlopen(request)
        except urllib.error.HTTPError as error:
            print("truncated", error.code, json.loads(error.read())["error_type"])
        """
        let python = try runProcess(Self.python, ["-c", script, base])
        #expect(python.status == 0, "\(python.output)")
        #expect(python.output.split(separator: "\n").map(String.init) == [
            "gzip 404 not_found", "deflate 404 not_found", "deflate 404 not_found", "gzip 3.1.0", "None 3.1.0",
            "br 415 unsupported_media_type", "truncated 400 malformed_body",
        ], "\(python.output)")
    }

    @Test(.enabled(if: toolsPresent, "needs curl and python3"))
    func gzipBombsGet413WithMemoryBoundedByTheLimit() throws {
        let (kotoba, port) = try serve([:])
        defer { kill(kotoba.process.processIdentifier, SIGKILL) }
        let pid = kotoba.process.processIdentifier
        let bomb = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-bomb-\(UUID().uuidString).gz").path
        defer { try? FileManager.default.removeItem(atPath: bomb) }
        // 1 GiB of zeros in about 1 MiB of gzip: just under the 1 MiB wire limit, a thousand times the inflated one.
        let make = try runProcess(Self.python, ["-c", """
            import gzip, sys
            with gzip.open(sys.argv[1], "wb", compresslevel=9) as f:
                for _ in range(1024): f.write(bytes(1 << 20))
            """, bomb])
        #expect(make.status == 0, "\(make.output)")
        let before = try #require(KotobaProcess.memoryKB(pid, "VmRSS"))
        // Eight at once, twice over.
        for _ in 0..<2 {
            let arguments = (0..<8).flatMap { _ in
                ["--next", "--silent", "--output", "/dev/null", "--write-out", "%{http_code}\n", "-H", "Content-Encoding: gzip",
                 "--data-binary", "@\(bomb)", "http://127.0.0.1:\(port)/classify"]
            }
            let sent = try runProcess(Self.curl, Array(arguments.dropFirst()))
            #expect(sent.output.split(separator: "\n") == Array(repeating: "413", count: 8), "\(sent.output)")
        }
        let peak = try #require(KotobaProcess.memoryKB(pid, "VmHWM"))
        // Inflating all of it would take a GiB per request; each may hold its 1 MiB wire body and 1 MiB of output.
        #expect(peak - before < 64 * 1024, "peak RSS \(peak) KiB from \(before) KiB")
        print("gzip bomb: RSS \(before) KiB before, peak \(peak) KiB (16 bombs of 1 GiB inflated, 8 at once)")
    }

    @Test(.enabled(if: toolsPresent, "needs curl and python3"))
    func keysCORSAndReloadOnSIGHUP() throws {
        let keys = try Self.temporaryFile("# test\n\(Self.key)\n")
        let (kotoba, port) = try serve(["KOTOBA_AUTH_API_KEYS_FILE": keys,
                                        "KOTOBA_CORS_ALLOWED_ORIGINS": #"["https://app.example.com"]"#])
        defer { kill(kotoba.process.processIdentifier, SIGKILL) }
        let base = "http://127.0.0.1:\(port)"
        func status(_ path: String, _ headers: [String] = []) throws -> String {
            try runProcess(Self.curl, ["--silent", "--output", "/dev/null", "--write-out", "%{http_code}"]
                    + headers.flatMap { ["-H", $0] } + ["\(base)\(path)"]).output
        }
        #expect(try status("/livez") == "200")
        #expect(try status("/v1/models") == "401")
        #expect(try status("/v1/models", ["Authorization: Bearer \(Self.key)"]) == "200")
        let refused = try runProcess(Self.curl, ["--silent", "--include", "-H", "Origin: https://app.example.com",
                                          "--data-binary", #"{"text": "hi"}"#, "\(base)/classify"])
        #expect(refused.output.hasPrefix("HTTP/1.1 401"), "\(refused.output)")
        #expect(refused.output.contains("Access-Control-Allow-Origin: https://app.example.com"))
        #expect(refused.output.contains("WWW-Authenticate: Bearer"))
        let preflight = try runProcess(Self.curl, ["--silent", "--include", "-X", "OPTIONS", "-H", "Origin: https://app.example.com",
                                            "-H", "Access-Control-Request-Method: POST", "\(base)/classify"])
        #expect(preflight.output.hasPrefix("HTTP/1.1 204"), "\(preflight.output)")
        #expect(preflight.output.contains("Access-Control-Allow-Origin: https://app.example.com"))

        try Data("rotated-\(Self.key)\n".utf8).write(to: URL(fileURLWithPath: keys))
        kill(kotoba.process.processIdentifier, SIGHUP)
        #expect(KotobaProcess.eventually(within: 5) { kotoba.jsonLines.contains { $0["msg"] as? String == "reloaded API keys" } })
        #expect(try status("/v1/models", ["X-API-Key: \(Self.key)"]) == "401")
        #expect(try status("/v1/models", ["X-API-Key: rotated-\(Self.key)"]) == "200")
        // The log names the key by id only.
        let lines = kotoba.lines.joined(separator: "\n")
        #expect(!lines.contains(Self.key))
        #expect(kotoba.jsonLines.contains { $0["msg"] as? String == "request" && $0["key_id"] is String })
        #expect(kotoba.process.isRunning)
    }

    /// A self-signed certificate for localhost and 127.0.0.1, made by `openssl req` into `directory`.
    private func makeCertificate(in directory: String, commonName: String) throws {
        let made = try runProcess("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-keyout", "\(directory)/key.pem", "-out", "\(directory)/cert.pem", "-subj", "/CN=\(commonName)",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
        #expect(made.status == 0, "\(made.output)")
    }

    @Test(.enabled(if: toolsPresent && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs openssl"))
    func httpsServeHealthcheckAndCertificateRotation() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-https-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try makeCertificate(in: directory, commonName: "first")
        let tls = ["KOTOBA_TLS_CERT_FILE": "\(directory)/cert.pem", "KOTOBA_TLS_KEY_FILE": "\(directory)/key.pem"]
        let (kotoba, port) = try serve(tls)
        defer { kill(kotoba.process.processIdentifier, SIGKILL) }
        #expect(kotoba.jsonLines.first { $0["msg"] as? String == "listening" }?["scheme"] as? String == "https")
        let live = try runProcess(Self.curl, ["--silent", "--cacert", "\(directory)/cert.pem", "https://localhost:\(port)/livez"])
        #expect(live.output == #"{"status":"alive"}"#, "\(live.output)")

        // healthcheck reads the same layers: HTTPS because of the variables, verified as asked.
        func healthcheck(_ arguments: [String], _ environment: [String: String] = tls) throws -> Int32? {
            try KotobaProcess(["healthcheck", "--port", "\(port)"] + arguments, environment: environment).exitStatus(within: 10)
        }
        #expect(try healthcheck(["--cacert", "\(directory)/cert.pem"]) == 0)
        #expect(try healthcheck(["--insecure"]) == 0)
        #expect(try healthcheck([]) == 1, "a self-signed certificate is not in the system store")
        #expect(try healthcheck([], [:]) == 1, "plain HTTP to the HTTPS port")

        func subject() throws -> String {
            let output = try runProcess("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(port)"]).output
            return output.split(separator: "\n").first { $0.hasPrefix("subject=") }.map(String.init) ?? output
        }
        #expect(try subject().contains("CN = first"))
        try makeCertificate(in: directory, commonName: "second")
        kill(kotoba.process.processIdentifier, SIGHUP)
        #expect(KotobaProcess.eventually(within: 5) {
            kotoba.jsonLines.contains { $0["msg"] as? String == "reloaded TLS certificate and key" }
        })
        #expect(try subject().contains("CN = second"))
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: "\(directory)/key.pem"))
        kill(kotoba.process.processIdentifier, SIGHUP)
        #expect(KotobaProcess.eventually(within: 5) {
            kotoba.jsonLines.contains { $0["msg"] as? String == "TLS certificate not reloaded; the previous one stays in force" }
        })
        #expect(try subject().contains("CN = second"))
        #expect(kotoba.process.isRunning)
    }

    @Test func unusableEdgeFilesExitTwoNamingThem() throws {
        let empty = try Self.temporaryFile("# nothing\n")
        let fixtures = KotobaProcess.repositoryRoot.appendingPathComponent("Tests/KotobaHTTPTests/TLSFixtures").path
        for (environment, message) in [
            (["KOTOBA_TLS_CERT_FILE": "\(fixtures)/expired-cert.pem", "KOTOBA_TLS_KEY_FILE": "\(fixtures)/expired-key.pem"],
             "tls.cert_file \"\(fixtures)/expired-cert.pem\": the certificate has expired"),
            (["KOTOBA_TLS_CERT_FILE": "\(fixtures)/expired-cert.pem", "KOTOBA_TLS_KEY_FILE": "/nonexistent/key.pem"],
             "tls.key_file \"/nonexistent/key.pem\": no such file"),
            (["KOTOBA_AUTH_API_KEYS_FILE": "/nonexistent/keys"], "auth.api_keys_file \"/nonexistent/keys\": cannot read"),
            (["KOTOBA_AUTH_API_KEYS_FILE": empty], "lists no key"),
            (["KOTOBA_TLS_CERT_FILE": "/c.pem"], "key \"tls.key_file\""),
        ] {
            let kotoba = try KotobaProcess(["serve", "--port", "0"], environment: environment)
            #expect(kotoba.exitStatus(within: 10) == 2, "\(environment)")
            #expect(KotobaProcess.eventually(within: 1) { kotoba.lines.contains { $0.contains(message) } }, "stderr: \(kotoba.lines)")
        }
    }
}
