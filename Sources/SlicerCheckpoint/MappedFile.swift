import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A whole file mapped read-only into memory.
///
/// The mapping lives as long as this object; every pointer handed out from `bytes` (and so every
/// `TensorStore.rawBytes`) is valid only while some reference to it is alive. The pages are
/// shared with the page cache, so opening a 250 MB checkpoint costs no copy and no read until a
/// tensor is touched.
public final class MappedFile: @unchecked Sendable {
  // @unchecked: the mapping is read-only (PROT_READ) and never remapped, so sharing it across
  // threads is safe.

  /// The file this mapping came from.
  public let url: URL
  /// The file's bytes, exactly `count` of them.
  public let bytes: UnsafeRawBufferPointer

  /// The file size in bytes (at least 1: empty files are rejected).
  public var count: Int { bytes.count }

  /// Maps `url` read-only.
  /// - Throws: `fileNotFound`, `unreadableFile` (permissions, a directory, mmap failure) or
  ///   `emptyFile`.
  public init(url: URL) throws(CheckpointError) {
    self.url = url
    let fd = open(url.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      let code = errno
      if code == ENOENT || code == ENOTDIR { throw .fileNotFound(url) }
      throw .unreadableFile(url, reason: Self.message(for: code))
    }
    defer { close(fd) }

    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw .unreadableFile(url, reason: Self.message(for: errno))
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw .unreadableFile(url, reason: "it is not a regular file")
    }
    guard let size = Int(exactly: info.st_size), size > 0 else { throw .emptyFile(url) }

    // PROT_READ + MAP_PRIVATE: we never write. (If another process truncates the file while it
    // is mapped, touching the lost pages raises SIGBUS; checkpoints are not edited in place.)
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
      throw .unreadableFile(url, reason: "mmap failed: " + Self.message(for: errno))
    }
    bytes = UnsafeRawBufferPointer(start: base, count: size)
  }

  deinit {
    if let base = bytes.baseAddress {
      munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
    }
  }

  private static func message(for code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
  }
}
