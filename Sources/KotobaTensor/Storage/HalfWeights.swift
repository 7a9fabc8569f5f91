import CKernels
import Glibc

/// IEEE half bit patterns, `[count]`, readable for as long as the value lives: either a slice of a mapped
/// checkpoint (no copy: the page cache is the only copy, shared with every process that maps the file) or an
/// array of their own (weights computed at load, such as stacked projections).
///
/// A mapping stays valid while model files are replaced by rename, as Kotoba's reload expects; a file truncated
/// in place under a running server would fault on the next read, as any mapped file does.
public struct HalfWeights: @unchecked Sendable {
    private enum Backing {
        case owned(ContiguousArray<UInt16>)
        case mapped(MappedFile, UnsafePointer<UInt16>)
    }

    private let backing: Backing
    public let count: Int

    /// Halves held in an array.
    public init(_ bits: ContiguousArray<UInt16>) {
        backing = .owned(bits)
        count = bits.count
    }

    /// `count` halves at `offset` bytes into `file` (2-byte aligned, inside the file: the caller has checked).
    init(mapping file: MappedFile, offset: Int, count: Int) {
        let base = file.withBytes(in: offset..<(offset + count * 2)) { $0.baseAddress }
        if let base, Int(bitPattern: base) % 2 == 0 {
            backing = .mapped(file, base.assumingMemoryBound(to: UInt16.self))
        } else {
            backing = .owned(file.withBytes(in: offset..<(offset + count * 2)) { Self.copied(from: $0, count: count) })
        }
        self.count = count
    }

    /// `count` little-endian halves from `raw` (any alignment), copied into an array in the machine's order.
    static func copied(from raw: UnsafeRawBufferPointer, count: Int) -> ContiguousArray<UInt16> {
        ContiguousArray(unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                buffer[i] = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
            }
            initialized = count
        }
    }

    /// The halves converted to floats (exactly), as a new array.
    public var floats: ContiguousArray<Float> {
        ContiguousArray(unsafeUninitializedCapacity: count) { buffer, initialized in
            withUnsafeBufferPointer { source in
                if let from = source.baseAddress, let to = buffer.baseAddress { kotoba_halves_to_floats(from, to, count) }
            }
            initialized = count
        }
    }

    /// Whether these halves are read from the checkpoint's mapping rather than a copy.
    public var isMapped: Bool {
        if case .mapped = backing { true } else { false }
    }

    /// Lets the kernel drop the mapped pages these halves fill from this process's resident memory, for a layer
    /// that has copied them into its own layout (packed panels) and no longer reads them. The pages stay in the
    /// page cache and come back, unchanged, if anything reads them again: the mapping is read-only and private,
    /// so they are never dirty. Nothing happens for halves held in an array. Only whole pages are dropped.
    public func releaseMappedPages() {
        guard case let .mapped(file, base) = backing else { return }
        let page = max(1, sysconf(Int32(_SC_PAGESIZE)))
        let first = (Int(bitPattern: base) + page - 1) / page * page
        let end = (Int(bitPattern: base) + count * 2) / page * page
        guard end > first, let start = UnsafeMutableRawPointer(bitPattern: first) else { return }
        withExtendedLifetime(file) { _ = madvise(start, end - first, MADV_DONTNEED) }
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt16>) throws -> R) rethrows -> R {
        switch backing {
        case let .owned(bits):
            return try bits.withUnsafeBufferPointer(body)
        case let .mapped(file, base):
            return try withExtendedLifetime(file) { try body(UnsafeBufferPointer(start: base, count: count)) }
        }
    }

    /// The halves copied into an array.
    public var array: ContiguousArray<UInt16> {
        switch backing {
        case let .owned(bits): bits
        case .mapped: withUnsafeBufferPointer { ContiguousArray($0) }
        }
    }
}
