import WhitlockCore

/// Waiting out a simulated exposure and checking settings, shared by the simulated instruments.
enum SimulatedExposure {
  /// Sleeps for `seconds × pacing`; cancellation ends the wait with `CancellationError`.
  static func wait(seconds: Double, pacing: Double) async throws {
    let duration = seconds * pacing
    guard duration.isFinite, duration > 0 else {
      try Task.checkCancellation()
      return
    }
    try await Task.sleep(nanoseconds: UInt64(min(duration, 86_400) * 1e9))
  }

  /// Hangs (until cancelled) once `acquisition` exceeds `stallAfter`: a device that stops answering
  /// without an error, for testing that the watchdog notices a stuck pipeline.
  static func stallIfConfigured(acquisition: UInt64, stallAfter: Int?) async throws {
    guard let stallAfter, acquisition > UInt64(max(0, stallAfter)) else { return }
    try await Task.sleep(nanoseconds: 86_400 * 1_000_000_000)
  }

  /// Checks the settings both instruments share and names the offending one.
  static func validate(exposure: Double, pacing: Double, length: Int, lengthName: String) throws {
    guard exposure.isFinite, exposure >= 0 else {
      throw InstrumentError(
        .configuration, "exposure must be a finite, non-negative number of seconds")
    }
    guard pacing.isFinite, pacing >= 0 else {
      throw InstrumentError(.configuration, "pacing must be a finite, non-negative factor")
    }
    guard length > 0, length <= 65536 else {
      throw InstrumentError(.configuration, "\(lengthName) must be between 1 and 65536")
    }
  }
}
