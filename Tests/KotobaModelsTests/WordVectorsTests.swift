import Foundation
import Testing
@testable import KotobaModels

/// word2vec's text and binary files as gensim writes them, and the broken ones a loader must refuse by place.
@Suite struct WordVectorsTests {
    static let text = "3 2\nking 0.5 -1.25\nqueen 3 4\nzero 0 0\n"

    /// The same three vectors in the binary format: "<word> " + little-endian float32s, "\n" after each.
    static func binary(trailingNewlines: Bool = true, values: [[Float]] = [[0.5, -1.25], [3, 4], [0, 0]]) -> [UInt8] {
        var bytes = Array("3 2\n".utf8)
        for (word, row) in zip(["king", "queen", "zero"], values) {
            bytes += Array("\(word) ".utf8)
            for value in row { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
            if trailingNewlines { bytes.append(0x0A) }
        }
        return bytes
    }

    private func parse(_ text: String) throws(ModelError) -> WordVectors {
        try WordVectors(word2vec: Array(text.utf8), binary: false, path: "v.txt")
    }

    private func reason(_ body: () throws(ModelError) -> WordVectors) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            guard case let .invalidFile(_, reason) = error else { return "\(error)" }
            return reason
        }
    }

    @Test func textAndBinaryGiveTheSameVectorsAndUnitRows() throws {
        let text = try parse(Self.text)
        #expect(text.words == ["king", "queen", "zero"] && text.dimensions == 2)
        #expect(text.row(of: "queen") == 1 && text.row(of: "Queen") == nil)
        #expect(Array(text.vectors.storage) == [0.5, -1.25, 3, 4, 0, 0])  // parsed, not computed: exact
        // queen is (3, 4): its unit row is (0.6, 0.8); the zero row stays zero instead of becoming NaN.
        let unit = Array(text.normalized.storage)
        #expect(abs(unit[2] - 0.6) < 1e-6 && abs(unit[3] - 0.8) < 1e-6 && unit[4] == 0 && unit[5] == 0)
        #expect(abs(unit[0] * unit[0] + unit[1] * unit[1] - 1) < 1e-6)
        for bytes in [Self.binary(), Self.binary(trailingNewlines: false)] {
            let binary = try WordVectors(word2vec: bytes, binary: true, path: "v.bin")
            #expect(binary.words == text.words && binary.vectors.storage == text.vectors.storage)
        }
    }

    @Test func aFolderWithOnlyAVectorFileLoads() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-w2v-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: ModelError.self) { try WordVectors.load(directory: folder) }
        try Data(Self.text.utf8).write(to: folder.appendingPathComponent("vectors.txt"))
        #expect(try WordVectors.load(directory: folder).words.count == 3)
        try Data(Self.binary(values: [[1, 0], [0, 1], [1, 1]])).write(to: folder.appendingPathComponent("vectors.bin"))
        #expect(try WordVectors.load(directory: folder).vectors.storage.first == 1, "vectors.bin comes first")
    }

    @Test(arguments: [
        ("3 2\nking 0.5 -1.25\nqueen 3 4\n", "ends after 2 of the 3 words"),
        ("2 2\nking 0.5 -1.25\nqueen 3 4\nzero 0 0\n", "data after the 2 words"),
        ("3 2\nking 0.5 -1.25\nqueen 3\nzero 0 0\n", "line 3: 1 values, the header says 2"),
        ("3 2\nking 0.5 nan\nqueen 3 4\nzero 0 0\n", "line 2: \"nan\" is not a finite number"),
        ("3 2\nking 0.5 -1.25\nqueen 3 4\nking 0 0\n", "line 4: the word \"king\" repeats entry 1"),
        ("three 2\nking 0.5 -1.25\n", "line 1: the header"),
    ])
    func brokenTextFilesAreRefusedByPlace(text: String, expected: String) {
        let found = reason { () throws(ModelError) in try parse(text) }
        #expect(found.contains(expected), "\(found)")
    }

    @Test func brokenBinaryFilesAreRefusedByPlace() {
        let cut = Array(Self.binary().dropLast(5))  // the newline and zero's second value are cut off
        #expect(reason { () throws(ModelError) in try WordVectors(word2vec: cut, binary: true, path: "v.bin") }
            .contains("\"zero\" has 1 of its 2 values"))
        let infinite = Self.binary(values: [[0.5, -1.25], [.infinity, 4], [0, 0]])
        #expect(reason { () throws(ModelError) in try WordVectors(word2vec: infinite, binary: true, path: "v.bin") }
            .contains("value 0 of \"queen\" is not finite"))
    }
}
