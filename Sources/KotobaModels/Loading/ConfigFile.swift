import Foundation

/// Decoding of the JSON files of a model directory into typed configurations.
public enum ConfigFile {
    /// Decodes `url` as `T`; a missing file, bad JSON or a wrong field is a `ModelError` naming the file and field.
    public static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws(ModelError) -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw invalidConfig(error, path: url.path)
        } catch {
            throw .invalidConfig(path: url.path, field: "", reason: String(describing: error))
        }
    }

    private static func invalidConfig(_ error: DecodingError, path: String) -> ModelError {
        func field(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, context):
            return .invalidConfig(path: path, field: field(context.codingPath + [key]), reason: "is missing")
        case let .typeMismatch(type, context):
            return .invalidConfig(path: path, field: field(context.codingPath), reason: "is not a \(type)")
        case let .valueNotFound(type, context):
            return .invalidConfig(path: path, field: field(context.codingPath), reason: "is null, expected \(type)")
        case let .dataCorrupted(context):
            return .invalidConfig(path: path, field: field(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return .invalidConfig(path: path, field: "", reason: String(describing: error))
        }
    }
}
