import Foundation

/// What a model fetch is doing, reported so a front end can show it.
public enum FetchEvent: Sendable, Equatable {
  /// The file is already in place; `verified` when it was checked against a pinned sha256.
  case alreadyPresent(file: String, verified: Bool)
  /// The file in place failed its check; a verified one will replace it.
  case replacing(file: String, reason: String)
  /// A download of `file` from `url` begins (or resumes).
  case downloading(file: String, url: URL)
  case progress(file: String, DownloadProgress)
  /// A step without a byte count (running pip, extracting).
  case step(String)
  /// The file was written and verified.
  case finished(file: String, bytes: Int64, sha256: String)
}

/// One file of a fetched model, as it stands afterwards.
public struct FetchedFile: Sendable, Equatable {
  public var name: String
  public var bytes: Int64
  /// Computed only when a pinned sha256 was checked or the file was downloaded now.
  public var sha256: String?
  /// True when nothing had to be done for it.
  public var wasPresent: Bool

  public init(name: String, bytes: Int64, sha256: String?, wasPresent: Bool) {
    self.name = name
    self.bytes = bytes
    self.sha256 = sha256
    self.wasPresent = wasPresent
  }
}

/// Whether a file already in place satisfies its pins.
enum ExistingFile {
  case absent
  case valid(FetchedFile)
  case invalid(reason: String)

  /// Checks `url` against the pins; hashing only when a sha256 is pinned and the size fits.
  static func check(_ url: URL, name: String, size: Int64?, sha256: String?) throws -> ExistingFile
  {
    guard let found = LocalFile.size(url) else { return .absent }
    if let size, found != size {
      return .invalid(reason: "it has \(found) bytes, not \(size)")
    }
    guard let sha256 else {
      return .valid(FetchedFile(name: name, bytes: found, sha256: nil, wasPresent: true))
    }
    let digest = try LocalFile.sha256(url)
    guard digest == sha256.lowercased() else {
      return .invalid(reason: "its sha256 is \(digest), not \(sha256.lowercased())")
    }
    return .valid(FetchedFile(name: name, bytes: found, sha256: digest, wasPresent: true))
  }
}
