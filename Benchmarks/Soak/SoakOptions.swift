import ArgumentParser
import Foundation

/// Command-line options of `whitlock-soak`. The run itself is the script in main.swift, which
/// reads them with `parseOrExit()` (`--help`, and exit 64 naming the option at fault).
struct SoakOptions: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "whitlock-soak",
    abstract:
      "The release whitlockd for an hour at 100 Raman and 1 XRF spectra/s: RSS, descriptors, threads, latency.",
    discussion: """
      Starts the whitlockd beside this program (or --daemon) with a simulated Raman spectrometer \
      and a simulated XRF detector, reads its live events and status, and consumes published \
      segments as a downstream program would. Prints a row per interval (spectra, rate, RSS, \
      descriptors, threads, latency, spool) and a summary: RSS growth after warm-up below 5 MB, \
      no descriptor or thread growth, nothing dropped, a clean SIGTERM. Exits 1 when a check \
      fails.
      """)

  /// Length of the whole run.
  @Option(help: ArgumentHelp("Length of the run in minutes.", valueName: "n"))
  var minutes = 60.0

  @Option(
    name: .customLong("interval"),
    help: ArgumentHelp(
      "Seconds between table rows; 0 picks 60 s, or a twelfth of the run for runs under 12 minutes.",
      valueName: "s"))
  var requestedInterval = 0.0

  /// The first part of the run that the growth figures leave out (allocator and caches settling).
  @Option(
    help: ArgumentHelp(
      "Minutes at the start that the growth figures leave out.", valueName: "n"))
  var warmupMinutes = 2.0

  /// Raman exposure: 0.01 s is 100 spectra/s nominal.
  @Option(help: ArgumentHelp("Raman exposure; 0.01 s is 100 spectra/s nominal.", valueName: "s"))
  var ramanExposure = 0.01

  @Option(help: ArgumentHelp("Raman pixels.", valueName: "n"))
  var ramanPixels = 2048

  /// XRF preset time: 1 s is 1 spectrum/s.
  @Option(help: ArgumentHelp("XRF preset time; 1 s is 1 spectrum/s.", valueName: "s"))
  var xrfExposure = 1.0

  @Option(help: ArgumentHelp("XRF channels.", valueName: "n"))
  var xrfChannels = 2048

  @Option(
    name: .customLong("daemon"),
    help: ArgumentHelp(
      "The whitlockd to run (default: the one beside this program).", valueName: "path"))
  var daemonPath: String?

  /// Keep the scratch directory (configuration, daemon log) after the run.
  @Flag(help: "Keep the scratch directory (configuration, daemon log) after the run.")
  var keep = false

  /// Seconds between table rows.
  var interval: Double {
    requestedInterval > 0 ? requestedInterval : minutes >= 12 ? 60 : max(5, minutes * 60 / 12)
  }

  /// Allowed RSS growth after warm-up, in MB (10⁶ bytes).
  var rssTargetMB: Double { 5 }

  /// The whitlockd to run.
  var daemon: String {
    daemonPath
      ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent().appendingPathComponent("whitlockd").path
  }

  func validate() throws {
    let numbers = [
      ("--minutes", minutes), ("--interval", requestedInterval),
      ("--warmup-minutes", warmupMinutes), ("--raman-exposure", ramanExposure),
      ("--xrf-exposure", xrfExposure),
    ]
    for (name, value) in numbers where !(value.isFinite && value >= 0) {
      throw ValidationError("\(name) needs a non-negative number")
    }
    for (name, value) in [("--raman-pixels", ramanPixels), ("--xrf-channels", xrfChannels)]
    where value < 0 {
      throw ValidationError("\(name) needs a non-negative number")
    }
    guard minutes > 0 else { throw ValidationError("--minutes must be positive") }
  }
}
