import Foundation

extension Transfer {
  /// The `.part` file being written: bytes appended, hashed and counted as they arrive.
  struct Sink {
    let part: URL
    private var handle: FileHandle?
    var hasher = SHA256()
    /// Bytes in the file, including a kept prefix.
    var written: Int64 = 0
    var resumedFrom: Int64 = 0
    var total: Int64?
    var lastReported: Int64 = 0

    /// Opens `part` for appending after its first `length` bytes (creating it if needed).
    init(part: URL, keeping length: Int64) throws {
      self.part = part
      if !FileManager.default.fileExists(atPath: part.path) {
        guard FileManager.default.createFile(atPath: part.path, contents: nil) else {
          throw FetchError.fileSystem(path: part.path, reason: "cannot create the file")
        }
      }
      do {
        let handle = try FileHandle(forWritingTo: part)
        try handle.truncate(atOffset: UInt64(length))
        try handle.seekToEnd()
        self.handle = handle
      } catch {
        throw FetchError.fileSystem(path: part.path, reason: "cannot open for writing (\(error))")
      }
    }

    /// The progress to report now; also marks it reported.
    var report: DownloadProgress {
      mutating get {
        lastReported = written
        return DownloadProgress(done: written, total: total, resumedFrom: resumedFrom)
      }
    }

    mutating func write<Bytes: DataProtocol & ContiguousBytes>(_ bytes: Bytes) throws {
      guard !bytes.isEmpty, let handle else { return }
      do {
        try handle.write(contentsOf: bytes)
      } catch {
        throw FetchError.fileSystem(path: part.path, reason: "write failed (\(error))")
      }
      bytes.withUnsafeBytes { hasher.update($0) }
      written += Int64(bytes.count)
    }

    /// Flushes the file to disk and closes it.
    mutating func flush() throws {
      guard let handle else { return }
      self.handle = nil
      do {
        try handle.synchronize()
        try handle.close()
      } catch {
        throw FetchError.fileSystem(path: part.path, reason: "cannot flush (\(error))")
      }
    }

    /// Closes the file if still open (on a failure path).
    mutating func close() {
      try? handle?.close()
      handle = nil
    }
  }
}
