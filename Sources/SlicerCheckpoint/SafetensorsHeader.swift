import Foundation

/// The JSON header of a safetensors file, decoded but not yet checked against the file.
///
///     {
///       "__metadata__": {"format": "pt"},                       ← free-form, ignored
///       "model.decoder.embed_tokens.weight": {
///         "dtype": "F16", "shape": [50272, 64], "data_offsets": [16640, 6451456]
///       },
///       ...
///     }
///
/// `data_offsets` are `[begin, end)` byte offsets relative to the start of the data region.
struct SafetensorsHeader: Decodable {
  struct Entry: Decodable {
    let dtype: String
    let shape: [Int]
    let dataOffsets: [Int]

    enum CodingKeys: String, CodingKey {
      case dtype
      case shape
      case dataOffsets = "data_offsets"
    }
  }

  /// Tensor entries by name, in no particular order.
  let entries: [String: Entry]

  private struct AnyKey: CodingKey {
    let stringValue: String
    let intValue: Int? = nil
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: AnyKey.self)
    var entries: [String: Entry] = [:]
    for key in container.allKeys where key.stringValue != "__metadata__" {
      entries[key.stringValue] = try container.decode(Entry.self, forKey: key)
    }
    self.entries = entries
  }

  /// Decodes `json`, turning decoding failures into a one-line reason.
  static func decode(_ json: UnsafeRawBufferPointer, file: URL) throws(CheckpointError) -> Self {
    do {
      return try JSONDecoder().decode(Self.self, from: Data(json))
    } catch let error as DecodingError {
      throw .malformedHeader(file: file, reason: reason(for: error))
    } catch {
      throw .malformedHeader(file: file, reason: "\(error)")
    }
  }

  private static func reason(for error: DecodingError) -> String {
    func path(_ context: DecodingError.Context) -> String {
      let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
      return keys.isEmpty ? "the top level" : "'" + keys.joined(separator: ".") + "'"
    }
    switch error {
    case .keyNotFound(let key, let context):
      return "\(path(context)) lacks the key '\(key.stringValue)'"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      return "\(path(context)) has the wrong type (\(context.debugDescription))"
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty
        ? "it is not valid JSON" : "\(path(context)) is invalid (\(context.debugDescription))"
    @unknown default:
      return "\(error)"
    }
  }
}
