#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Stops this process, by sending itself SIGTERM so that it shuts down exactly as `systemctl stop`
/// would make it, once the process that started it is gone, when the environment asks for it with
/// `WHITLOCK_EXIT_WITH_PARENT=1`.
///
/// Test harnesses and benchmarks set it for the daemons and simulators they start, so a harness
/// that crashes or is killed does not leave a `whitlockd` behind writing into its spool, or a
/// simulator holding its pseudo-terminal. systemd never sets it.
///
/// It polls the parent PID, which changes when the process is re-parented, rather than using
/// `PR_SET_PDEATHSIG`: that signal fires when the *thread* that started the child exits (a
/// harness's pool thread, long before the harness), and it cannot be set through `posix_spawn`.
public enum ParentProcessWatch {
  /// The environment variable that turns the watch on (value `1`).
  public static let environmentVariable = "WHITLOCK_EXIT_WITH_PARENT"

  /// Starts the watch if the environment asks for it; returns whether it did. `report` is called
  /// with the old parent's PID once it is found gone, just before the SIGTERM, so the process can
  /// say why it stops in its own log format.
  @discardableResult
  public static func startIfRequested(
    pollInterval: Duration = .milliseconds(250),
    report: @escaping @Sendable (_ parent: Int32) -> Void
  ) -> Bool {
    guard let value = getenv(environmentVariable), String(cString: value) == "1" else {
      return false
    }
    let parent = getppid()
    Task.detached {
      while getppid() == parent {
        try? await Task.sleep(for: pollInterval)
      }
      report(parent)
      kill(getpid(), SIGTERM)
    }
    return true
  }
}
