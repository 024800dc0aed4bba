import Foundation

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

  /// Runs `executable` with `arguments`, killing it after `deadline` seconds.
  public static func run(
    _ executable: URL, _ arguments: [String], deadline: TimeInterval = 120,
    currentDirectory: String? = nil
  ) throws -> SubprocessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    try process.run()

    // Drain both pipes concurrently so a chatty child cannot block on a full pipe.
    let collected = CollectedOutput()
    let group = DispatchGroup()
    for (pipe, isError) in [(output, false), (error, true)] {
      group.enter()
      DispatchQueue.global().async {
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        collected.store(data, isError: isError)
        group.leave()
      }
    }
    let finished = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      process.waitUntilExit()
      finished.signal()
    }
    if finished.wait(timeout: .now() + deadline) == .timedOut {
      process.terminate()
      _ = finished.wait(timeout: .now() + 5)
      throw SubprocessFailure(
        description: "\(executable.path) \(arguments.joined(separator: " ")) did not finish "
          + "within \(Int(deadline)) s")
    }
    group.wait()
    return SubprocessResult(
      status: process.terminationStatus,
      standardOutput: String(decoding: collected.output, as: UTF8.self),
      standardError: String(decoding: collected.error, as: UTF8.self))
  }
}

/// Output gathered from two reader threads.
private final class CollectedOutput: @unchecked Sendable {
  private let lock = NSLock()
  private var outputData = Data()
  private var errorData = Data()

  func store(_ data: Data, isError: Bool) {
    lock.withLock {
      if isError { errorData = data } else { outputData = data }
    }
  }

  var output: Data { lock.withLock { outputData } }
  var error: Data { lock.withLock { errorData } }
}
