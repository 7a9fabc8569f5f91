import Testing
@testable import KotobaTasks

/// `Scores.top`: the one-pass selection gives exactly what a stable sort of the whole list gives.
@Suite struct ScoresTests {
    private func sortedTop(_ k: Int, _ values: [Float]) -> [Int] {
        Array(values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }.prefix(k))
    }

    @Test func selectionEqualsAStableSortWithTiesAndSmallK() {
        var state: UInt64 = 42
        for count in [1, 5, 17, 100, 1_000, 30_522] {
            // Few distinct values, so ties are everywhere, including across the k-th place.
            let values = (0..<count).map { _ -> Float in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(state >> 60) / 4
            }
            for k in [0, 1, 2, 5, 10, count, count + 3] {
                #expect(Scores.top(k, of: values) == sortedTop(k, values), "k \(k) of \(count)")
            }
        }
    }
}
