import Foundation
import Synchronization
import WhitlockCore

/// The outcome of running a program to completion.
public struct SubprocessResult: Sendable {
  public var status: Int32
  public var standardOutput: String
  public var standardError: String
}

/// Why a program could not be run to completion.
public struct SubprocessFailure: Error, CustomStringConvertible {
  public var description: String

  public init(description: String) { self.description = description }
}

/// Runs short commands (the built `whitlockctl`, `umockdev-run`, `systemd-analyze`, `make`) to
/// completion; long-running children that tests talk to use `ChildProcess`.
public enum Subprocess {
  /// Finds an executable on `PATH`.
  public static func which(_ name: String) -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }

  /// Runs `executable` with `arguments`, killing it after `deadline` seconds. The waits happen
  /// on threads of their own (`offPool`), never on the cooperative pool.
  public static func run(
    _ executable: URL, _ arguments: [String], deadline: TimeInterval = 120,
    currentDirectory: String? = nil, environment: [String: String] = [:]
  ) async throws -> SubprocessResult {
    try await offPool {
      try runBlocking(
        executable, arguments, deadline: deadline, currentDirectory: currentDirectory,
        environment: environment)
    }
  }

  /// `run` on the calling thread, which it blocks until the program ends.
  private static func runBlocking(
    _ executable: URL, _ arguments: [String], deadline: TimeInterval,
    currentDirectory: String?, environment: [String: String]
  ) throws -> SubprocessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    try process.run()

    // Drain both pipes on threads of their own so a chatty child cannot block on a full pipe.
    let collected = CollectedOutput()
    for (pipe, isError) in [(output, false), (error, true)] {
      collected.expect()
      Thread.detachNewThread {
        let handle = pipe.fileHandleForReading
        let data = handle.readToEndRetryingInterrupts()  // blocking-ok: its own thread
        collected.store(data, isError: isError)
      }
    }
    // A timer, not a waiting thread, enforces the deadline.
    let overran = TimedOut()
    let watchdog = DispatchWorkItem {
      guard process.isRunning else { return }
      overran.mark()
      process.terminate()
      // A program that ignores SIGTERM is killed 10 s later.
      let pid = process.processIdentifier
      DispatchQueue.global().asyncAfter(deadline: .now() + 10) {
        if process.isRunning { kill(pid, SIGKILL) }
      }
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + deadline, execute: watchdog)
    process.waitUntilExit()  // blocking-ok: runBlocking runs on offPool's thread
    watchdog.cancel()
    if overran.happened {
      throw SubprocessFailure(
        description: "\(executable.path) \(arguments.joined(separator: " ")) did not finish "
          + "within \(Int(deadline)) s")
    }
    collected.waitForBoth()
    return SubprocessResult(
      status: process.terminationStatus,
      standardOutput: String(decoding: collected.output, as: UTF8.self),
      standardError: String(decoding: collected.error, as: UTF8.self))
  }
}

/// Whether the deadline's timer fired.
private final class TimedOut: Sendable {
  private let flag = Mutex(false)
  func mark() { flag.withLock { $0 = true } }
  var happened: Bool { flag.withLock { $0 } }
}

/// Output gathered from two reader threads.
private final class CollectedOutput: @unchecked Sendable {
  private let condition = NSCondition()
  private var outputData = Data()
  private var errorData = Data()
  private var outstanding = 0

  func expect() { condition.withLock { outstanding += 1 } }

  func store(_ data: Data, isError: Bool) {
    condition.withLock {
      if isError { errorData = data } else { outputData = data }
      outstanding -= 1
      condition.broadcast()
    }
  }

  /// Blocks until both pipes reached end of file.
  func waitForBoth() {
    condition.withLock {
      while outstanding > 0 { condition.wait() }  // blocking-ok: runBlocking's own thread
    }
  }

  var output: Data { condition.withLock { outputData } }
  var error: Data { condition.withLock { errorData } }
}
