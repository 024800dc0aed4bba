import Foundation

/// CPU time used by this process and by a PostgreSQL server's processes, from `/proc`, so the
/// benchmark can say which side of the connection a record's cost is spent on.
enum ProcessCPU {
  /// User + system CPU seconds of this process (all threads).
  static func ownSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
      + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
  }

  /// CPU seconds of the postmaster `pid` and every process it started, live or already reaped
  /// (a backend that exited is counted in the postmaster's children's time once it is reaped, and
  /// as a process of its own before that, so a difference of two readings is consistent).
  static func treeSeconds(of pid: Int32) -> Double {
    guard let own = stat(pid) else { return 0 }
    var ticks = own.utime + own.stime + own.cutime + own.cstime
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    for entry in entries {
      guard let child = Int32(entry), child != pid, let fields = stat(child), fields.ppid == pid
      else { continue }
      ticks += fields.utime + fields.stime + fields.cutime + fields.cstime
    }
    return Double(ticks) / Double(sysconf(Int32(_SC_CLK_TCK)))
  }

  /// How many client backends of the postmaster `pid` are there now, exited ones not yet reaped
  /// included (their title names the client's address, `postgres: user db 127.0.0.1(5432) …`;
  /// an exited one has none). The server's own processes (checkpointer, WAL writer, …) are not.
  static func backendCount(of pid: Int32) -> Int {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.filter { entry in
      guard let child = Int32(entry), child != pid, let fields = stat(child), fields.ppid == pid
      else { return false }
      let title = (try? String(contentsOfFile: "/proc/\(child)/cmdline", encoding: .utf8)) ?? ""
      return title.isEmpty || title.contains("(")
    }.count
  }

  /// Waits (up to 10 s) until the postmaster `pid` has no client backends: a backend's CPU time
  /// is only certain to be counted once it has exited and been reaped.
  static func waitForNoBackends(of pid: Int32) async {
    let deadline = ContinuousClock.now + .seconds(10)
    while backendCount(of: pid) > 0, ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(10))
    }
  }

  private struct Fields {
    var ppid: Int32
    var utime: Int
    var stime: Int
    var cutime: Int
    var cstime: Int
  }

  /// Fields 4 and 14–17 of `/proc/PID/stat`; the command name (field 2) may hold spaces, so the
  /// fields are counted from its closing parenthesis.
  private static func stat(_ pid: Int32) -> Fields? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = text.lastIndex(of: ")")
    else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // fields[0] is the state (field 3), so field N is fields[N - 3].
    guard fields.count > 14, let ppid = Int32(fields[1]), let utime = Int(fields[11]),
      let stime = Int(fields[12]), let cutime = Int(fields[13]), let cstime = Int(fields[14])
    else { return nil }
    return Fields(ppid: ppid, utime: utime, stime: stime, cutime: cutime, cstime: cstime)
  }
}
