import Foundation

/// Fetches the files of a `HuggingFaceSource` into a directory, one after another, skipping
/// those already in place and valid. Each file goes through `Downloader`, so it is resumable
/// and appears under its final name only once complete and verified.
public struct HuggingFaceFetcher: Sendable {
  public var downloader: Downloader

  public init(downloader: Downloader = Downloader()) {
    self.downloader = downloader
  }

  /// - Parameters:
  ///   - baseURL: the directory URL the file names are appended to
  ///     (see `HuggingFaceSource.baseURL(override:environment:)`).
  ///   - events: called as work proceeds (from background queues during downloads).
  /// - Returns: every file of `source`, in order.
  /// - Throws: `FetchError` from the first file that fails; files before it stay in place.
  @discardableResult
  public func fetch(
    _ source: HuggingFaceSource, from baseURL: URL, into directory: URL,
    events: @escaping @Sendable (FetchEvent) -> Void = { _ in }
  ) async throws -> [FetchedFile] {
    try LocalFile.createDirectory(directory)
    var fetched: [FetchedFile] = []
    for file in source.files {
      let destination = directory.appendingPathComponent(file.name)
      switch try ExistingFile.check(
        destination, name: file.name, size: file.size, sha256: file.sha256)
      {
      case .valid(let present):
        events(.alreadyPresent(file: file.name, verified: file.sha256 != nil))
        fetched.append(present)
        continue
      case .invalid(let reason):
        events(.replacing(file: file.name, reason: reason))
      case .absent:
        break
      }
      let url = baseURL.appendingPathComponent(file.name)
      events(.downloading(file: file.name, url: url))
      let name = file.name
      let result = try await downloader.download(
        from: url, to: destination, size: file.size, sha256: file.sha256
      ) { progress in
        events(.progress(file: name, progress))
      }
      events(.finished(file: file.name, bytes: result.bytes, sha256: result.sha256))
      fetched.append(
        FetchedFile(name: file.name, bytes: result.bytes, sha256: result.sha256, wasPresent: false))
    }
    return fetched
  }
}
