import Foundation

/// The `Content-Range` header of a 206 or 416 answer (RFC 9110 §14.4):
///
///     Content-Range: bytes 1000-4999/5000    (206: first-last/complete length)
///     Content-Range: bytes 1000-4999/*       (206, complete length unknown)
///     Content-Range: bytes */5000            (416: only the complete length)
struct ContentRange: Equatable {
  /// The first and last byte positions sent, inclusive; nil for the `*/length` form.
  var first: Int64?
  var last: Int64?
  /// The complete length of the file, when the server knows it.
  var completeLength: Int64?

  /// Parses `value`; nil when it is malformed (then the answer is not trusted).
  init?(_ value: String) {
    let trimmed = value.trimmingCharacters(in: .whitespaces)
    guard trimmed.hasPrefix("bytes ") else { return nil }
    let spec = trimmed.dropFirst("bytes ".count)
    let halves = spec.split(separator: "/", omittingEmptySubsequences: false)
    guard halves.count == 2 else { return nil }
    if halves[1] == "*" {
      completeLength = nil
    } else {
      guard let length = Int64(halves[1]), length >= 0 else { return nil }
      completeLength = length
    }
    if halves[0] == "*" {
      guard completeLength != nil else { return nil }
      first = nil
      last = nil
    } else {
      let bounds = halves[0].split(separator: "-", omittingEmptySubsequences: false)
      guard bounds.count == 2, let first = Int64(bounds[0]), let last = Int64(bounds[1]),
        first >= 0, last >= first
      else { return nil }
      if let completeLength, last >= completeLength { return nil }
      self.first = first
      self.last = last
    }
  }
}
