import Foundation

/// The SmolLM2-135M-Instruct GGUF that `scripts/fetch-smollm2.sh` (run by `make test`) puts in
/// `Weights/`, for the suites that run the real model; they are skipped, with the reason
/// printed, when it is absent.
public enum SmolLM2Weights {
  public static let url = Fixtures.repository.appendingPathComponent(
    "Weights/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
  public static var path: String { url.path }
  public static var isPresent: Bool { FileManager.default.fileExists(atPath: path) }
}

/// A value made on first use and shared by every test after it (a model loaded once for all the
/// suites of a test target). Thread-safe: tests run in parallel.
public final class LoadedOnce<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value?
  private let make: @Sendable () throws -> Value

  public init(_ make: @escaping @Sendable () throws -> Value) { self.make = make }

  public func get() throws -> Value {
    lock.lock()
    defer { lock.unlock() }
    if let value { return value }
    let made = try make()
    value = made
    return made
  }
}
