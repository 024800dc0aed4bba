import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A program run to completion with its peak resident set size, read from the kernel's
/// high-water mark of the child's own memory (`VmHWM` in `/proc/PID/status`) while it runs.
/// (`wait4`'s `ru_maxrss` is not used: after `posix_spawn` it also counts this process's memory,
/// which the child shared until it exec'd.)
struct ChildRun {
  var status: Int32
  var seconds: Double
  var peakResidentMiB: Double

  /// Runs `path` with `arguments`, its output going to this process's.
  static func run(_ path: String, _ arguments: [String]) throws -> ChildRun {
    var pid: pid_t = 0
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    let start = ContinuousClock.now
    let spawned = posix_spawn(&pid, path, nil, nil, argv, environ)
    guard spawned == 0 else {
      throw BenchmarkFailure("cannot start \(path): \(String(cString: strerror(spawned)))")
    }
    var status: Int32 = 0
    var peakKiB = 0
    while true {
      // The mark only rises; the last reading before the child exits is its peak.
      if let mark = highWaterMarkKiB(of: pid) { peakKiB = max(peakKiB, mark) }
      let reaped = waitpid(pid, &status, WNOHANG)
      if reaped == pid { break }
      if reaped < 0 && errno != EINTR {
        throw BenchmarkFailure("waitpid: \(String(cString: strerror(errno)))")
      }
      usleep(10_000)
    }
    let elapsed = ContinuousClock.now - start
    let seconds =
      Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return ChildRun(status: status, seconds: seconds, peakResidentMiB: Double(peakKiB) / 1024)
  }

  /// `VmHWM` of process `pid` in KiB, or nil when it has none (not yet exec'd, or exited).
  private static func highWaterMarkKiB(of pid: pid_t) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
      return nil
    }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      return Int(line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
    }
    return nil
  }
}

/// Why the benchmark could not run.
struct BenchmarkFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
