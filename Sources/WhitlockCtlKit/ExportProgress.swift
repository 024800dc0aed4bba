import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A one-line progress report for long exports, rewritten in place on standard error at most
/// twice a second, only when standard error is a terminal (logs and pipes get nothing).
final class ExportProgress {
  private let enabled: Bool
  private let started = ContinuousClock.now
  private var lastShown = ContinuousClock.now
  private var shown = false

  /// Shows progress when `enabled` is nil and stderr is a terminal, or when `enabled` is true.
  init(enabled: Bool? = nil) {
    self.enabled = enabled ?? (isatty(STDERR_FILENO) == 1)
  }

  /// Seconds since the export started.
  var elapsed: Double {
    let duration = ContinuousClock.now - started
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }

  /// Reports `spectra` written after `segments` of `total` segments.
  func update(spectra: Int, segments: Int, total: Int) {
    guard enabled, ContinuousClock.now - lastShown >= .milliseconds(500) else { return }
    lastShown = .now
    shown = true
    let rate = elapsed > 0 ? Int(Double(spectra) / elapsed) : 0
    FileHandle.standardError.write(
      Data("\rexporting: \(spectra) spectra, segment \(segments)/\(total), \(rate) spectra/s ".utf8)
    )
  }

  /// Ends the progress line.
  func finish() {
    if shown { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}
