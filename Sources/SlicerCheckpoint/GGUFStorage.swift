#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The bytes of a GGUF file: a read-only private memory map of the file (the usual case, so a
/// 100 MB model costs no copy and pages come in as tensors are read), or an owned copy of bytes
/// given in memory. Released when the last `GGUFFile` using it goes away.
///
/// The map assumes the file is not truncated by someone else while mapped (that would fault on
/// access, as it does for every mmap-based reader).
final class GGUFStorage: @unchecked Sendable {
  let bytes: UnsafeRawBufferPointer
  private let release: Release

  private enum Release {
    case unmap
    case deallocate
    case nothing
  }

  private init(bytes: UnsafeRawBufferPointer, release: Release) {
    self.bytes = bytes
    self.release = release
  }

  deinit {
    guard let base = bytes.baseAddress else { return }
    switch release {
    case .unmap: munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
    case .deallocate: base.deallocate()
    case .nothing: break
    }
  }

  /// Copies `source` into storage owned by the result.
  static func copying(_ source: [UInt8]) -> GGUFStorage {
    guard !source.isEmpty else {
      return GGUFStorage(bytes: UnsafeRawBufferPointer(start: nil, count: 0), release: .nothing)
    }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: source.count, alignment: 64)
    buffer.copyBytes(from: source)
    return GGUFStorage(bytes: UnsafeRawBufferPointer(buffer), release: .deallocate)
  }

  /// Maps the regular file at `path` read-only.
  static func map(path: String) throws(GGUFError) -> GGUFStorage {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .cannotOpen(path: path, reason: systemMessage()) }
    defer { close(fd) }  // the mapping stays valid after the descriptor is closed

    var status = stat()
    guard fstat(fd, &status) == 0 else { throw .cannotOpen(path: path, reason: systemMessage()) }
    guard (status.st_mode & S_IFMT) == S_IFREG else {
      throw .cannotOpen(path: path, reason: "it is not a regular file")
    }
    guard let size = Int(exactly: status.st_size), size > 0 else {
      // mmap cannot map zero bytes; an empty file is reported by the parser as truncated.
      return GGUFStorage(bytes: UnsafeRawBufferPointer(start: nil, count: 0), release: .nothing)
    }
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
      base != UnsafeMutableRawPointer(bitPattern: -1)  // MAP_FAILED
    else {
      throw .cannotOpen(path: path, reason: "mmap failed: " + systemMessage())
    }
    return GGUFStorage(bytes: UnsafeRawBufferPointer(start: base, count: size), release: .unmap)
  }

  private static func systemMessage() -> String {
    String(cString: strerror(errno))
  }
}
