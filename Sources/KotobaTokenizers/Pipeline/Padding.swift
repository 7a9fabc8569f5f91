// Mirrors `pad_encodings` and `Encoding::pad` at tokenizers v0.23.3 (tokenizers/src/utils/padding.rs).

/// Padding options for a batch (`PaddingParams`).
package struct Padding: Sendable, Equatable {
    /// The length to pad to (`PaddingStrategy`).
    package enum Strategy: Sendable, Equatable {
        /// The longest encoding of the batch.
        case batchLongest
        case fixed(Int)
    }

    package enum Direction: String, Sendable {
        case right = "Right"
        case left = "Left"
    }

    package var strategy: Strategy
    package var direction: Direction
    /// Round the target length up to a multiple of this.
    package var padToMultipleOf: Int?
    package var padId: Int
    package var padTypeId: Int
    package var padToken: String

    package init(strategy: Strategy = .batchLongest, direction: Direction = .right, padToMultipleOf: Int? = nil,
                padId: Int = 0, padTypeId: Int = 0, padToken: String = "[PAD]") {
        self.strategy = strategy
        self.direction = direction
        self.padToMultipleOf = padToMultipleOf
        self.padId = padId
        self.padTypeId = padTypeId
        self.padToken = padToken
    }

    /// Pads every encoding to the common target length; longer encodings are left as they are.
    func apply(to encodings: inout [Encoding]) {
        guard !encodings.isEmpty else { return }
        var target: Int
        switch strategy {
        case .batchLongest: target = encodings.map(\.count).max() ?? 0
        case let .fixed(length): target = length
        }
        if let multiple = padToMultipleOf, multiple > 0, target % multiple != 0 {
            target += multiple - target % multiple
        }
        for i in encodings.indices { pad(&encodings[i], to: target) }
    }

    private func pad(_ encoding: inout Encoding, to target: Int) {
        let n = target - encoding.count
        guard n > 0 else { return }
        var padding = Encoding(ids: Array(repeating: padId, count: n), tokens: Array(repeating: padToken, count: n),
                               offsets: Array(repeating: .none, count: n), typeIds: Array(repeating: padTypeId, count: n),
                               attentionMask: Array(repeating: 0, count: n), specialTokensMask: Array(repeating: 1, count: n),
                               wordIds: Array(repeating: nil, count: n), sequenceIds: Array(repeating: nil, count: n))
        switch direction {
        case .right:
            encoding.append(padding)
        case .left:
            padding.truncation = encoding.truncation
            padding.append(encoding)
            encoding = padding
        }
    }
}
