import WhitlockCore

/// Waiting out a simulated exposure and checking settings, shared by the simulated instruments.
enum SimulatedExposure {
  /// Back-to-back exposures on the continuous clock: each exposure ends one (paced) integration
  /// time after the previous one ended, not after the previous spectrum was computed, so the time
  /// spent computing a spectrum and the sleep's wake-up delay do not lower the acquisition rate.
  /// A consumer that falls briefly behind gets the frames it missed at once, as from a device's
  /// frame buffer (up to `catchUp`, or one exposure when exposures are longer); further behind,
  /// the next exposure starts afresh.
  struct Pacer {
    /// How far behind a consumer may fall and still receive every frame.
    static let catchUp = Duration.milliseconds(50)
    private var lastEnd: ContinuousClock.Instant?

    /// The end of the next exposure of `seconds × pacing`, remembered as the start of the one
    /// after; `nil` when there is nothing to wait for.
    mutating func nextEnd(seconds: Double, pacing: Double) -> ContinuousClock.Instant? {
      let duration = seconds * pacing
      guard duration.isFinite, duration > 0 else {
        lastEnd = nil
        return nil
      }
      let exposure = Duration.seconds(min(duration, 86_400))
      let now = ContinuousClock.now
      var start = lastEnd ?? now
      if now - start > max(exposure, Self.catchUp) { start = now }
      let end = start + exposure
      lastEnd = end
      return end
    }
  }

  /// Sleeps until `end` (see `Pacer`); cancellation ends the wait with `CancellationError`.
  static func wait(until end: ContinuousClock.Instant?) async throws {
    guard let end else {
      try Task.checkCancellation()
      return
    }
    try await Task.sleep(until: end, clock: .continuous)
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
