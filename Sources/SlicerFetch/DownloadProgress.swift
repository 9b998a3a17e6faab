/// How far one file's download is, reported while it runs.
public struct DownloadProgress: Sendable, Equatable {
  /// Bytes of the file on disk, including those kept from an earlier, interrupted run.
  public var done: Int64
  /// The file's size, when the server announced it.
  public var total: Int64?
  /// Bytes that were already on disk when this transfer started (0 for a fresh download).
  public var resumedFrom: Int64

  public init(done: Int64, total: Int64?, resumedFrom: Int64) {
    self.done = done
    self.total = total
    self.resumedFrom = resumedFrom
  }
}

/// What a completed `Downloader.download` did.
public struct DownloadResult: Sendable, Equatable {
  /// Size of the finished file.
  public var bytes: Int64
  /// Bytes reused from an existing `.part` file (0 when it started from scratch).
  public var resumedFrom: Int64
  /// sha256 of the finished file, lowercase hex.
  public var sha256: String
  /// HTTP requests made (more than one after a retried interruption or a rejected range).
  public var requests: Int
}
