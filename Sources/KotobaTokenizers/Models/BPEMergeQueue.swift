// A binary max-heap for BPE merge candidates, standing in for Rust's `BinaryHeap` (tokenizers'
// `bpe/word.rs`, Word::merge_all) and C++'s `std::priority_queue` (sentencepiece's `bpe_model.cc` agenda).
// Which of two equal-priority entries pops first follows from each element's `<`, which both references define
// to break ties by position, so the heap's own order never decides a result.

/// A max-heap: `pop()` returns the greatest element by `<`.
struct BPEMergeQueue<Element: Comparable> {
    private var storage: [Element] = []

    init(capacity: Int = 0) { storage.reserveCapacity(capacity) }

    var isEmpty: Bool { storage.isEmpty }

    mutating func push(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[parent] < storage[child] else { break }
            storage.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard let top = storage.first else { return nil }
        let last = storage.removeLast()
        if !storage.isEmpty {
            storage[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var largest = parent
                if left < storage.count && storage[largest] < storage[left] { largest = left }
                if right < storage.count && storage[largest] < storage[right] { largest = right }
                if largest == parent { break }
                storage.swapAt(parent, largest)
                parent = largest
            }
        }
        return top
    }
}
