import Dispatch
import Foundation
import Synchronization

/// Ctrl-C as a request to stop the current generation rather than kill the program.
///
/// While installed, SIGINT sets a flag the generation loop polls; a second Ctrl-C before the
/// flag is cleared exits at once (the user really means it).
final class Interrupt: Sendable {
  private let requested = Atomic<Int>(0)
  private let source: any DispatchSourceSignal

  init() {
    signal(SIGINT, SIG_IGN)
    source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler { [requested] in
      if requested.add(1, ordering: .relaxed).newValue > 1 {
        FileHandle.standardError.write("\n".data(using: .utf8)!)
        exit(130)
      }
    }
    source.resume()
  }

  var isRequested: Bool { requested.load(ordering: .relaxed) > 0 }

  func clear() { requested.store(0, ordering: .relaxed) }

  deinit {
    source.cancel()
    signal(SIGINT, SIG_DFL)
  }
}
