import KotobaTensor

extension Array {
    /// `[make(0), make(1), …, make(count - 1)]`, the items made side by side on the cores: for the rows of one
    /// decoding step, whose rules and top-k each read and write their own row of scores only.
    init(eachRowOf count: Int, _ make: (Int) -> Element) {
        guard count > 0 else {
            self = []
            return
        }
        self.init(unsafeUninitializedCapacity: count) { items, initialized in
            let base = items.baseAddress!
            Parallel.forEachRange(count, minimumPerThread: 1) { range in
                for i in range { (base + i).initialize(to: make(i)) }
            }
            initialized = count
        }
    }
}
