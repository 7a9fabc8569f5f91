/// Name and version the service reports in `/v1/models`, logs and the `Server` header.
public enum ServiceInfo {
    public static let name = "kotoba"
    public static let version = "0.1.0"
}
