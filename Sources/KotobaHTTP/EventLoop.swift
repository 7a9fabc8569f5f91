import Dispatch

/// One serial queue and the connections pinned to it; everything here is touched only on `queue`.
final class EventLoop: @unchecked Sendable {
    let queue: DispatchQueue
    var connections: [ObjectIdentifier: Connection] = [:]
    var date = DateCache()
    var requestIDs = RequestIDGenerator()
    /// Every read lands here first, so a read allocates nothing; bytes are then copied to the connection.
    let scratch: UnsafeMutableRawBufferPointer

    init(index: Int) {
        queue = DispatchQueue(label: "kotoba.http.loop.\(index)", qos: .userInitiated)
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit {
        scratch.deallocate()
    }

    /// Shutdown step one: idle connections close now, busy ones close after their current response.
    func drain() {
        for connection in connections.values { connection.drain() }
    }

    /// Shutdown step two, at the deadline: close whatever is left.
    func closeAll() {
        for connection in Array(connections.values) { connection.close() }
    }
}
