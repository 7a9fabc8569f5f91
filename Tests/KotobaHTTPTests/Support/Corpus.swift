import Foundation
@testable import KotobaHTTP

/// One adversarial request from `Corpus/` with the status the server must answer.
struct CorpusCase: Sendable, CustomTestStringConvertible, Decodable {
    let file: String
    let status: Int
    let why: String

    var testDescription: String { "\(file) → \(status)" }

    var bytes: [UInt8] {
        (try? Array(Data(contentsOf: Corpus.directory.appendingPathComponent(file)))) ?? []
    }
}

import Testing

enum Corpus {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus")

    private struct Manifest: Decodable {
        let cases: [CorpusCase]
    }

    /// The cases listed in `Corpus/expected.json`; empty (and the count test fails) if it is unreadable.
    static let cases: [CorpusCase] = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("expected.json")),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else { return [] }
        return manifest.cases
    }()

    /// What the parser alone decides for `bytes`, fed in slices of `step` bytes (0 = all at once).
    enum Outcome: Equatable, CustomStringConvertible {
        /// A full request parsed; the server would hand it to the responder.
        case request
        case refused(status: Int)
        /// The bytes ended before the request did.
        case incomplete

        var description: String {
            switch self {
            case .request: return "request"
            case let .refused(status): return "refused \(status)"
            case .incomplete: return "incomplete"
            }
        }

        /// The status the echo responder or the server would answer.
        var status: Int? {
            switch self {
            case .request: return 200
            case let .refused(status): return status
            case .incomplete: return nil
            }
        }
    }

    static func parse(_ bytes: [UInt8], step: Int = 0,
                      limits: HTTPServerConfiguration.Limits = .init()) -> Outcome {
        var parser = RequestParser(limits: limits)
        var buffer = ByteBuffer()
        var offset = 0
        while true {
            let take = step == 0 ? bytes.count - offset : min(step, bytes.count - offset)
            if take > 0 {
                buffer.append(Array(bytes[offset..<(offset + take)]))
                offset += take
            }
            var events = 0
            parsing: while true {
                events += 1
                precondition(events < 10_000, "parser made no progress")
                switch parser.next(&buffer) {
                case .needMoreData: break parsing
                case .head: continue
                case .body: return .request
                case let .error(error): return .refused(status: error.status.code)
                }
            }
            if offset == bytes.count { return .incomplete }
        }
    }
}
