import Foundation

/// One spectrum as it came off an instrument, before any processing.
///
/// It carries everything needed to interpret and re-analyse it later: the raw counts, the device's
/// axis calibration, the acquisition parameters and, for simulated devices, the ground truth.
public struct Acquisition: Sendable {
  /// The instrument that produced it.
  public var instrument: InstrumentIdentity
  /// A counter per instrument session, starting at 1, for spotting gaps in the log.
  public var deviceSequence: UInt64
  /// Wall-clock time when the exposure started.
  public var startedAt: Date
  /// Wall-clock time when the spectrum was read back.
  public var endedAt: Date
  /// Raw counts per pixel or channel, exactly as read.
  public var counts: [UInt32]
  /// How channel indices map to Raman shift or energy.
  public var axis: AxisCalibration
  /// Exposure (Raman integration time or XRF preset/accumulation time) in seconds.
  public var exposureSeconds: Double
  /// The largest count the detector can report; counts at this value are saturated.
  public var fullScale: UInt32
  /// Device-specific parameters and read-back status (gain, temperatures, dead time, …).
  public var parameters: [(String, JSONValue)]
  /// For simulated instruments only: the true composition the spectrum was generated from.
  public var simulationTruth: JSONValue?
  /// For an acquisition taken at a map point: the record's `map` member (map id, grid index,
  /// column, row, repeat, measured stage position); `nil` outside maps.
  public var mapPoint: JSONValue? = nil

  public init(
    instrument: InstrumentIdentity, deviceSequence: UInt64, startedAt: Date, endedAt: Date,
    counts: [UInt32], axis: AxisCalibration, exposureSeconds: Double, fullScale: UInt32,
    parameters: [(String, JSONValue)] = [], simulationTruth: JSONValue? = nil
  ) {
    self.instrument = instrument
    self.deviceSequence = deviceSequence
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.counts = counts
    self.axis = axis
    self.exposureSeconds = exposureSeconds
    self.fullScale = fullScale
    self.parameters = parameters
    self.simulationTruth = simulationTruth
  }

  /// Number of pixels or channels at full scale.
  public var saturatedChannelCount: Int {
    var saturated = 0
    for count in counts where count >= fullScale { saturated += 1 }
    return saturated
  }
}
