import Foundation

/// One HTTP response's status line and header fields, as `curl --dump-header -` writes them
/// ahead of the body:
///
///     HTTP/1.1 206 Partial Content\r\n        (HTTP/2 answers: "HTTP/2 206 \r\n")
///     Content-Range: bytes 70000-299999/300000\r\n
///     Content-Length: 230000\r\n
///     \r\n                                    (blank line: the block ends)
///
/// curl writes one block per response it receives: each 1xx, each redirect it follows, then
/// the final one. Nothing in a block is trusted: a malformed status line refuses the answer.
struct ResponseHead: Equatable {
  struct Field: Equatable {
    var name: String
    var value: String
  }

  /// The longest block accepted; real servers send a few hundred bytes.
  static let maxBytes = 64 << 10

  var status: Int
  var fields: [Field]

  /// The offset just past the blank line ending the first block in `bytes`, or nil when the
  /// block is not complete yet. Accepts CRLF and bare LF line ends.
  static func end(in bytes: [UInt8]) -> Int? {
    var index = 0
    while index < bytes.count {
      if bytes[index] == 0x0A {
        // "\n\n" or "\n\r\n" closes the block.
        if index + 1 < bytes.count, bytes[index + 1] == 0x0A { return index + 2 }
        if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
          return index + 3
        }
      }
      index += 1
    }
    return nil
  }

  /// Parses one block (status line, fields, blank line); nil when the status line is not
  /// `HTTP/<version> <three digits>`. Field lines without a colon are ignored.
  init?(_ block: ArraySlice<UInt8>) {
    // Split on the bytes: as a String, "\r\n" is one Character and would not split on "\n".
    var lines = block.split(separator: 0x0A, omittingEmptySubsequences: false).map {
      String(decoding: $0.last == 0x0D ? $0.dropLast() : $0, as: UTF8.self)
    }
    while lines.last?.isEmpty == true { lines.removeLast() }
    guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/") else { return nil }
    let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
    guard parts.count >= 2, parts[1].count == 3, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
      let status = Int(parts[1]), (100...599).contains(status)
    else { return nil }
    self.status = status
    fields = lines.dropFirst().compactMap { line in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      let name = line[..<colon].trimmingCharacters(in: .whitespaces)
      let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      return name.isEmpty ? nil : Field(name: name, value: value)
    }
  }

  /// The first field called `name` (case-insensitive), if any.
  func value(_ name: String) -> String? {
    fields.first { $0.name.lowercased() == name.lowercased() }?.value
  }

  /// Whether curl (`--location`) follows this answer to another one rather than sending its
  /// body: an interim 1xx, or a redirect that names where to go.
  var isFollowed: Bool {
    status < 200 || ((300...399).contains(status) && value("Location") != nil)
  }

  /// The announced body length: nil when absent, `.failure` when present but not a plain
  /// non-negative decimal (or several fields that disagree).
  var contentLength: Result<Int64?, ContentLengthError> {
    let values = fields.filter { $0.name.lowercased() == "content-length" }.map(\.value)
    guard let first = values.first else { return .success(nil) }
    guard values.allSatisfy({ $0 == first }), (1...18).contains(first.count),
      first.allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int64(first)
    else { return .failure(ContentLengthError(values: values)) }
    return .success(length)
  }

  struct ContentLengthError: Error, Equatable {
    var values: [String]
  }
}
