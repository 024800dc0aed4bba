import Foundation

/// How often a repetition-heavy test (random kills, restarts, unplug cycles) repeats.
///
/// `make test` runs the short count, enough to take every path at least once; `make faults`
/// runs the same tests with `WHITLOCK_FULL_REPETITIONS=1` for the full count, where a rare
/// interleaving has the chance to show.
public enum Repetitions {
  /// The environment variable that asks for the full counts (value `1`).
  public static let environmentVariable = "WHITLOCK_FULL_REPETITIONS"

  /// Whether this run asks for the full counts.
  public static var isFull: Bool {
    ProcessInfo.processInfo.environment[environmentVariable] == "1"
  }

  /// `full` when the run asks for the full counts, else `quick`.
  public static func count(quick: Int, full: Int) -> Int { isFull ? full : quick }
}
