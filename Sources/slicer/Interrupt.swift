import Dispatch
import Foundation
import Synchronization

/// Ctrl-C as a request to stop the current generation rather than kill the program.
///
/// While installed, SIGINT sets a flag the generation loop polls; a second Ctrl-C before the
/// flag is cleared exits at once (the user really means it).
final class Interrupt: @unchecked Sendable {  // `source` is only touched in init and deinit
  private let requests = InterruptCounter()
  private let source: any DispatchSourceSignal

  init() {
    signal(SIGINT, SIG_IGN)
    source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler { [requests] in
      if requests.increment() > 1 {
        FileHandle.standardError.write(Data("\n".utf8))
        exit(130)
      }
    }
    source.resume()
  }

  var isRequested: Bool { requests.value > 0 }

  func clear() { requests.reset() }

  deinit {
    source.cancel()
    signal(SIGINT, SIG_DFL)
  }
}

/// A counter shared between the signal handler and the generation loop.
final class InterruptCounter: Sendable {
  private let count = Atomic<Int>(0)
  func increment() -> Int { count.add(1, ordering: .relaxed).newValue }
  var value: Int { count.load(ordering: .relaxed) }
  func reset() { count.store(0, ordering: .relaxed) }
}
