import Foundation
import Synchronization
import WhitlockCore

/// A child process started by a test, with its output collected as it arrives.
///
/// Tests wait on events (a line of output, an exit) with generous deadlines rather than sleeping.
public final class ChildProcess: Sendable {
  private let process: Process
  private let output = OutputBuffer()
  private let errors = OutputBuffer()
  private let input: FileHandle?

  /// Starts `executable` with `arguments` and extra `environment` variables; with
  /// `writableInput` its standard input is a pipe that `writeLine` feeds, else /dev/null.
  public init(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:],
    currentDirectory: String? = nil, writableInput: Bool = false
  ) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    // A child does not outlive a crashed or killed test run: whitlockd and whitlock-sim stop
    // when their parent is gone (`ParentProcessWatch`).
    process.environment = ProcessInfo.processInfo.environment
      .merging([ParentProcessWatch.environmentVariable: "1"]) { $1 }
      .merging(environment) { $1 }
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    if writableInput {
      let pipe = Pipe()
      process.standardInput = pipe
      input = pipe.fileHandleForWriting
    } else {
      process.standardInput = FileHandle.nullDevice
      input = nil
    }
    self.process = process
    stdout.fileHandleForReading.readabilityHandler = { [output] handle in
      let chunk = handle.availableData
      if chunk.isEmpty {
        handle.readabilityHandler = nil
        output.finish()
      } else {
        output.append(chunk)
      }
    }
    stderr.fileHandleForReading.readabilityHandler = { [errors] handle in
      let chunk = handle.availableData
      if chunk.isEmpty {
        handle.readabilityHandler = nil
        errors.finish()
      } else {
        errors.append(chunk)
      }
    }
    try process.run()
  }

  public var pid: Int32 { process.processIdentifier }
  public var isRunning: Bool { process.isRunning }
  public var standardOutput: String { output.text }
  public var standardError: String { errors.text }

  /// Writes `line` and a newline to the child's standard input (see `writableInput`).
  public func writeLine(_ line: String) {
    // A child that already exited must fail the test, not kill the test runner with SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    try? input?.write(contentsOf: Data((line + "\n").utf8))
  }

  /// Sends `signal` to the child.
  public func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

  /// Waits until `condition` holds, polling every 20 ms; returns whether it did before `deadline`.
  ///
  /// The condition runs on a thread of its own (`offPool`), so it may make blocking calls (a
  /// request to the daemon's monitor, a read of the spool) without parking a thread of the
  /// cooperative pool.
  @discardableResult
  public func wait(
    upTo deadline: Duration, until condition: (ChildProcess) -> Bool
  ) async -> Bool {
    let end = ContinuousClock.now + deadline
    while ContinuousClock.now < end {
      if await offPool(borrowing: { condition(self) }) { return true }
      try? await Task.sleep(for: .milliseconds(20))
    }
    return await offPool(borrowing: { condition(self) })
  }

  /// Waits for the child to exit and returns its status, or `nil` after `deadline` (then kills it).
  ///
  /// Never waits without a bound: a killed child that a tracer still holds (a crash backtracer
  /// attached to it) is not reported to its parent until the tracer lets go, so the wait after
  /// the kill ends after 30 s as well.
  public func waitForExit(upTo deadline: Duration) async -> Int32? {
    let exited = await wait(upTo: deadline) { !$0.isRunning }
    guard exited else {
      send(SIGKILL)
      _ = await wait(upTo: .seconds(30)) { !$0.isRunning }
      return nil
    }
    await reap()
    // The pipes may still hold output the handlers have not read yet: wait for end of file, so
    // callers see everything the child wrote (unless a grandchild keeps the pipe open).
    _ = await wait(upTo: .seconds(10)) { $0.output.isFinished && $0.errors.isFinished }
    return process.terminationStatus
  }

  /// Waits, off the cooperative pool, until Foundation has collected the child's exit status.
  private func reap() async {
    await offPool { [process] in process.waitUntilExit() }  // blocking-ok: offPool's thread
  }

  /// How the child ended: `.exit` or `.uncaughtSignal`.
  public var terminationReason: Process.TerminationReason { process.terminationReason }

  deinit {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      // A child just killed exits at once; one a tracer holds is left to Foundation's reaper
      // rather than blocking the test for ever.
      for _ in 0..<500 where process.isRunning { usleep(10_000) }  // blocking-ok: deinit, ≤ 5 s
    }
  }
}

/// Bytes collected from a pipe on another thread.
final class OutputBuffer: Sendable {
  private let data = Mutex(Data())
  private let ended = Mutex(false)

  func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }

  func finish() { ended.withLock { $0 = true } }

  var isFinished: Bool { ended.withLock { $0 } }

  var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}
