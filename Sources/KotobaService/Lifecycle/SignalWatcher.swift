import Dispatch
import Foundation

/// Delivers signals as Dispatch events on a private queue instead of interrupting whatever thread runs:
/// the default actions are ignored first, since a signal with its default action would end the process
/// before the source ever saw it.
///
/// Unchecked because Dispatch sources are not marked Sendable; they are thread-safe, and `sources` never
/// changes after init.
final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "kotoba.signals")
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
