import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A program run to completion with its own resource usage (peak resident set size), measured
/// by the kernel for that child alone (`wait4`).
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
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
      guard errno == EINTR else {
        throw BenchmarkFailure("wait4: \(String(cString: strerror(errno)))")
      }
    }
    let elapsed = ContinuousClock.now - start
    let seconds =
      Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    // Linux reports ru_maxrss in KiB.
    return ChildRun(
      status: status, seconds: seconds, peakResidentMiB: Double(usage.ru_maxrss) / 1024)
  }
}

/// Why the benchmark could not run.
struct BenchmarkFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
