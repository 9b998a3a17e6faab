import Foundation
import SlicerModel
import SlicerTensor
import SlicerWire

/// Work for the tail, from one session.
struct TailJob: Sendable {
  enum Work: Sendable {
    case prefill(Matrix, tokens: [Int]?, sample: Bool)
    case step(Matrix)
    case score(Matrix, targets: [Int], distributions: Bool)
  }

  enum Result: Sendable {
    /// PREFILL and STEP: the choice (nil for a PREFILL without sampling).
    case choice(SessionTail.Choice?)
    case scores(Scores)
  }

  /// What came out, the session's context after it, and the compute time spent on this job (a
  /// batch's time is shared equally by its rows).
  struct Outcome: Sendable {
    var result: Result
    var contextLength: Int
    var computeSeconds: Double
    var batchSize: Int
  }

  let session: SessionTail
  let work: Work
  let completion: @Sendable (Outcome) -> Void

  var isStep: Bool {
    if case .step = work { return true }
    return false
  }
}

/// The one thread that runs the tail. Jobs run in arrival order, except that a STEP collects
/// the STEPs of other sessions (same split) queued behind it — waiting up to `window` for more
/// while not every open session has one queued — and runs them as one batch (`BatchedTail`).
///
/// A session has at most one job queued or running (its connection waits for the reply before
/// handing over the next request), so a batch holds at most one row per session.
final class ComputeScheduler: @unchecked Sendable {  // mutable state is guarded by `condition`
  private let condition = NSCondition()
  private var queue: [TailJob] = []
  private var stopping = false
  private var openSessions = 0
  private let finished = DispatchSemaphore(value: 0)
  private var started = false

  let batching: Bool
  let window: TimeInterval
  let maximumBatch: Int
  private let metrics: ServerMetrics

  init(batching: Bool, windowMicroseconds: Int, maximumBatch: Int, metrics: ServerMetrics) {
    self.batching = batching
    window = Double(windowMicroseconds) * 1e-6
    self.maximumBatch = max(1, maximumBatch)
    self.metrics = metrics
  }

  func start() {
    condition.lock()
    defer { condition.unlock() }
    guard !started else { return }
    started = true
    let thread = Thread { [self] in run() }
    thread.name = "slicer-tail"
    thread.stackSize = 8 << 20
    thread.start()
  }

  /// Queues a job; false once the scheduler is stopping.
  @discardableResult
  func submit(_ job: TailJob) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    guard !stopping else { return false }
    queue.append(job)
    condition.broadcast()
    return true
  }

  func sessionOpened() {
    condition.lock()
    openSessions += 1
    condition.unlock()
  }

  func sessionClosed() {
    condition.lock()
    openSessions -= 1
    condition.broadcast()  // a batch may be waiting for this session
    condition.unlock()
  }

  /// Runs what is queued, then ends the thread; returns when it has ended.
  func stop() {
    condition.lock()
    let wasRunning = started && !stopping
    stopping = true
    condition.broadcast()
    condition.unlock()
    if wasRunning { finished.wait() }
  }

  private func run() {
    while let batch = nextBatch() { execute(batch) }
    finished.signal()
  }

  /// The next job, or batch of STEPs; nil when stopping with nothing left.
  private func nextBatch() -> [TailJob]? {
    condition.lock()
    defer { condition.unlock() }
    while queue.isEmpty && !stopping { condition.wait() }
    guard !queue.isEmpty else { return nil }
    var batch = [queue.removeFirst()]
    guard batching, batch[0].isStep else { return batch }
    let split = batch[0].session.split
    let deadline = Date(timeIntervalSinceNow: window)
    var timedOut = false
    while true {
      var index = 0
      while index < queue.count && batch.count < maximumBatch {
        if queue[index].isStep && queue[index].session.split == split {
          batch.append(queue.remove(at: index))
        } else {
          index += 1
        }
      }
      if batch.count >= maximumBatch || batch.count >= openSessions || stopping || timedOut {
        break
      }
      // After the deadline, one last gather of what arrived meanwhile ends the wait.
      timedOut = !condition.wait(until: deadline) || Date() >= deadline
    }
    return batch
  }

  private func execute(_ batch: [TailJob]) {
    let start = ContinuousClock.now
    var results: [TailJob.Result]
    if batch.count > 1 {
      let rows = batch.map { job -> Matrix in
        guard case .step(let row) = job.work else { preconditionFailure("a batch holds STEPs") }
        return row
      }
      results = BatchedTail.step(batch.map(\.session), rows: rows).map { .choice($0) }
    } else {
      let job = batch[0]
      switch job.work {
      case .prefill(let rows, let tokens, let sample):
        results = [.choice(job.session.prefill(rows, tokens: tokens, sample: sample))]
      case .step(let row):
        results = [.choice(job.session.step(row))]
      case .score(let rows, let targets, let distributions):
        results = [.scores(job.session.score(rows, targets: targets, distributions: distributions))]
      }
    }
    let seconds = (ContinuousClock.now - start).seconds
    metrics.recordBatch(size: batch.count, seconds: seconds)
    for (job, result) in zip(batch, results) {
      job.completion(
        TailJob.Outcome(
          result: result, contextLength: job.session.contextLength,
          computeSeconds: seconds / Double(batch.count), batchSize: batch.count))
    }
  }
}
