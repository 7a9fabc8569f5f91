import Foundation
import Testing
@testable import KotobaHTTP

/// The adversarial corpus (`Corpus/*.http` + `expected.json`, written by `Corpus/generate.py`),
/// checked against the parser alone and then replayed over a real socket.
@Suite struct CorpusTests {
    @Test func corpusHasAtLeastFortyCases() {
        #expect(Corpus.cases.count >= 40)
        #expect(Corpus.cases.allSatisfy { !$0.bytes.isEmpty })
    }

    @Test(arguments: Corpus.cases)
    func parserGivesExpectedStatus(_ item: CorpusCase) {
        #expect(Corpus.parse(item.bytes).status == item.status, "\(item.why)")
    }

    /// Trickled input must reach the same verdict as input that arrives at once.
    @Test(arguments: Corpus.cases)
    func parserVerdictDoesNotDependOnHowBytesArrive(_ item: CorpusCase) {
        let whole = Corpus.parse(item.bytes)
        #expect(Corpus.parse(item.bytes, step: 1) == whole)
        #expect(Corpus.parse(item.bytes, step: 7) == whole)
    }

    @Test func replayOverSocketGivesExactStatusThenClose() throws {
        let server = try TestServer()
        for item in Corpus.cases {
            let client = try RawClient(port: server.port, receiveTimeout: 3)
            client.send(item.bytes)
            var response = try client.readResponse()
            while response.status < 200 { response = try client.readResponse() }
            #expect(response.status == item.status, "\(item.file): \(item.why)")
            if item.status >= 400 {
                #expect(response.header("Connection") == "close", "\(item.file)")
                #expect(response.header("Content-Type") == "application/json", "\(item.file)")
                #expect(response.bodyText.contains("\"error_type\":"), "\(item.file)")
            }
            #expect(client.isClosedByPeer(), "\(item.file) left the connection open")
        }
        #expect(server.records.all.count == Corpus.cases.count)
        server.stop()
    }
}
