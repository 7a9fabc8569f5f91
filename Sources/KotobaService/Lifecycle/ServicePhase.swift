/// Where the service is in its life; `/readyz` is 200 only in `serving` with every model ready.
package enum ServicePhase: String, Sendable {
    /// Built, listener not open yet.
    case starting
    /// Listener open and taking traffic.
    case serving
    /// A shutdown signal arrived: still answering, but `/readyz` says 503 so load balancers move away.
    case draining
    /// Listener closed; in-flight requests are finishing.
    case stopping
    /// Every connection closed.
    case stopped
}
