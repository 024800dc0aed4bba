/// One simulated multichannel-analyser spectrum with the timing a pulse processor reports.
public struct SimulatedXRFSpectrum: Sendable, Equatable {
  /// Counts per channel.
  public var counts: [UInt32]
  /// Wall-clock accumulation time, s.
  public var realTimeSeconds: Double
  /// Time the detector was able to accept events, s (real time minus dead time).
  public var liveTimeSeconds: Double
  /// Measured input (fast-channel) count rate, counts/s.
  public var inputCountRate: Double
  /// Output count rate: events stored in the spectrum per second of real time.
  public var outputCountRate: Double

  /// Creates a spectrum with its timing and rates.
  public init(
    counts: [UInt32], realTimeSeconds: Double, liveTimeSeconds: Double, inputCountRate: Double,
    outputCountRate: Double
  ) {
    self.counts = counts
    self.realTimeSeconds = realTimeSeconds
    self.liveTimeSeconds = liveTimeSeconds
    self.inputCountRate = inputCountRate
    self.outputCountRate = outputCountRate
  }

  /// Fraction of the real time lost to dead time.
  public var deadTimeFraction: Double {
    realTimeSeconds > 0 ? 1 - liveTimeSeconds / realTimeSeconds : 0
  }
}
