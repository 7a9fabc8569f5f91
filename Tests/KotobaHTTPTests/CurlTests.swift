import Foundation
import Testing
@testable import KotobaHTTP

/// A real client against the server: curl, when installed.
@Suite struct CurlTests {
    static let curl = "/usr/bin/curl"

    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runProcess(Self.curl, ["--silent", "--show-error", "--max-time", "5"] + arguments)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: curl), "curl is not installed at /usr/bin/curl"))
    func curlGetsPostsChunksAndReusesTheConnection() throws {
        let server = try TestServer()
        let base = "http://127.0.0.1:\(server.port)"

        let get = try run(["--include", "\(base)/hello?q=1"])
        #expect(get.status == 0, "\(get.output)")
        #expect(get.output.hasPrefix("HTTP/1.1 200 OK"))
        #expect(get.output.hasSuffix("GET /hello?q=1 body="))

        let post = try run(["--data-binary", "payload", "\(base)/p"])
        #expect(post.output == "POST /p body=payload")

        let chunked = try run(["-H", "Transfer-Encoding: chunked", "--data-binary", "in chunks", "\(base)/c"])
        #expect(chunked.output == "POST /c body=in chunks")

        let expect = try run(["-H", "Expect: 100-continue", "--data-binary", "after continue", "\(base)/e"])
        #expect(expect.output == "POST /e body=after continue")

        let head = try run(["--head", "\(base)/h"])
        #expect(head.output.contains("Content-Length: 13"))  // "HEAD /h body="

        let reuse = try run(["--verbose", "\(base)/one", "\(base)/two"])
        #expect(reuse.output.contains("GET /one body=") && reuse.output.contains("GET /two body="))
        #expect(reuse.output.lowercased().contains("re-using existing connection")
            || reuse.output.lowercased().contains("reusing existing connection"), "\(reuse.output)")
        #expect(eventually(within: 2) { server.records.all.count == 7 })
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: curl), "curl is not installed at /usr/bin/curl"))
    func servesIPv6LoopbackAndReportsTheRemoteAddress() throws {
        let server = try TestServer { $0.host = "::1" }
        let result = try run(["http://[::1]:\(server.port)/six"])
        #expect(result.output == "GET /six body=", "\(result.output)")
        #expect(eventually(within: 2) { server.records.all.count == 1 })
        #expect(server.records.all.first?.remoteAddress.hasPrefix("[::1]:") == true)
    }
}
