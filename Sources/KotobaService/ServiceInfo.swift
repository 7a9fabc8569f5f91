/// Name and version the service reports in `/v1/models`, logs and the `Server` header.
package enum ServiceInfo {
    package static let name = "kotoba"
    package static let version = "0.1.0"
}
