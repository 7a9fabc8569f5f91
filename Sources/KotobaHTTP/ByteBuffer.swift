/// Received bytes not yet consumed by the parser; consumption moves an index instead of shifting memory.
struct ByteBuffer {
    private(set) var storage: [UInt8] = []
    private(set) var readerIndex = 0

    /// Capacity kept across requests once everything is consumed.
    static let retainedCapacity = 4 * 1024

    init() {}

    init(_ bytes: [UInt8]) {
        storage = bytes
    }

    var readableCount: Int { storage.count - readerIndex }
    var isEmpty: Bool { readableCount == 0 }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfWorthIt()
        storage.append(contentsOf: bytes)
    }

    mutating func append(_ bytes: [UInt8]) {
        compactIfWorthIt()
        storage.append(contentsOf: bytes)
    }

    mutating func consume(_ count: Int) {
        precondition(count <= readableCount, "consumed past the readable bytes")
        readerIndex += count
        if readerIndex == storage.count {
            // Keep a small allocation for the next request; an idle keep-alive connection should not pin a
            // large one (1,000 idle connections x 64 KiB would be 64 MB).
            storage.removeAll(keepingCapacity: storage.capacity <= Self.retainedCapacity)
            readerIndex = 0
        }
    }

    /// Calls `body` with the unconsumed bytes.
    func withReadable<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        storage.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[readerIndex...]))
        }
    }

    /// Shifting is O(unread), so do it only once the consumed prefix dominates.
    private mutating func compactIfWorthIt() {
        if readerIndex > 0 && readerIndex >= storage.count / 2 {
            storage.removeFirst(readerIndex)
            readerIndex = 0
        }
    }
}
