import Foundation

/// The few file operations a fetch needs, with failures mapped to `FetchError.fileSystem`.
enum LocalFile {
  /// The size of the regular file at `url`, or nil when there is none.
  static func size(_ url: URL) -> Int64? {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
      attributes[.type] as? FileAttributeType == .typeRegular,
      let size = attributes[.size] as? NSNumber
    else { return nil }
    return size.int64Value
  }

  /// Feeds the first `prefix` bytes of `url` (all of it when nil) into `hasher`, 1 MiB at a
  /// time, so a file of any size is hashed in constant memory. Returns the bytes read.
  @discardableResult
  static func hash(_ url: URL, into hasher: inout SHA256, prefix: Int64? = nil) throws -> Int64 {
    let handle: FileHandle
    do {
      handle = try FileHandle(forReadingFrom: url)
    } catch {
      throw FetchError.fileSystem(path: url.path, reason: "cannot open for reading (\(error))")
    }
    defer { try? handle.close() }
    var done: Int64 = 0
    while prefix.map({ done < $0 }) ?? true {
      let want = Int(min(1 << 20, (prefix ?? Int64.max) - done))
      let chunk: Data
      do {
        chunk = try handle.read(upToCount: want) ?? Data()
      } catch {
        throw FetchError.fileSystem(path: url.path, reason: "read failed (\(error))")
      }
      if chunk.isEmpty { break }
      chunk.withUnsafeBytes { hasher.update($0) }
      done += Int64(chunk.count)
    }
    if let prefix, done != prefix {
      throw FetchError.fileSystem(
        path: url.path, reason: "expected at least \(prefix) bytes, found \(done)")
    }
    return done
  }

  /// The sha256 of the whole file at `url`, as lowercase hex.
  static func sha256(_ url: URL) throws -> String {
    var hasher = SHA256()
    try hash(url, into: &hasher)
    return hasher.hex
  }

  /// Renames `source` to `destination`, replacing any file there in one step (rename(2)), so a
  /// reader sees either the old file or the complete new one, never a half-written one.
  static func replace(_ destination: URL, with source: URL) throws {
    guard rename(source.path, destination.path) == 0 else {
      let reason = String(cString: strerror(errno))
      throw FetchError.fileSystem(
        path: destination.path, reason: "cannot rename \(source.lastPathComponent) (\(reason))")
    }
  }

  static func remove(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
  }

  static func createDirectory(_ url: URL) throws {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw FetchError.fileSystem(path: url.path, reason: "cannot create directory (\(error))")
    }
  }

  /// Checks a finished file against the pinned size and sha256 (either may be absent); on a
  /// mismatch the file is deleted and the mismatch thrown. `knownDigest` saves re-reading the
  /// file when the caller hashed the bytes while writing them.
  static func verify(
    _ url: URL, name: String, size expectedSize: Int64?, sha256 expected: String?,
    knownDigest: String? = nil
  ) throws {
    if let expectedSize {
      let found = size(url) ?? -1
      guard found == expectedSize else {
        remove(url)
        throw FetchError.sizeMismatch(file: name, expected: expectedSize, found: found)
      }
    }
    if let expected {
      let found = try knownDigest ?? sha256(url)
      guard found == expected.lowercased() else {
        remove(url)
        throw FetchError.checksumMismatch(file: name, expected: expected.lowercased(), found: found)
      }
    }
  }
}
