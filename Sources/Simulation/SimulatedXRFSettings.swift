import SampleModels

/// Everything a simulated SDD XRF detector needs: identity, pacing, the sample schedule and the
/// physical model. Defaults give 2048 channels of 10 eV accumulating 10 s per spectrum.
public struct SimulatedXRFSettings: Sendable, Equatable {
  /// Seed of the counting noise; the schedule has its own seed (by default the same value).
  public var seed: UInt64
  /// Serial number the simulated device reports.
  public var serial: String
  /// Fraction of each accumulation actually waited in wall-clock time (1 = real time).
  public var pacing: Double
  /// Fault injection: after this many acquisitions the device hangs without answering, so
  /// tests can check that the daemon's watchdog notices. `nil` (the default) never hangs.
  public var stallAfterAcquisitions: Int? = nil
  /// A specimen under a stage: when set, each acquisition measures what lies under the probe
  /// at the stage's position (a map), not the schedule's next point.
  public var specimen: SpecimenUnderStage? = nil
  /// The physical model of sample and detector.
  public var model: XRFSampleModel
  /// Which composition lies under the probe at each acquisition.
  public var schedule: SimulatedSampleSchedule

  /// Creates settings; `seed` seeds both the noise and the schedule.
  public init(
    seed: UInt64 = 1, serial: String = "SIM-XRF-0001", exposureSeconds: Double = 10,
    channelCount: Int = 2048, acquisitionsPerPoint: Int = 5, pacing: Double = 1,
    model: XRFSampleModel = XRFSampleModel()
  ) {
    self.seed = seed
    self.serial = serial
    self.pacing = pacing
    self.model = model
    self.schedule = SimulatedSampleSchedule(seed: seed, acquisitionsPerPoint: acquisitionsPerPoint)
    self.model.realTimeSeconds = exposureSeconds
    self.model.channelCount = channelCount
  }

  /// Accumulation (real) time per spectrum, s.
  public var exposureSeconds: Double {
    get { model.realTimeSeconds }
    set { model.realTimeSeconds = newValue }
  }

  /// Number of MCA channels.
  public var channelCount: Int {
    get { model.channelCount }
    set { model.channelCount = newValue }
  }

  /// Acquisitions per measurement point (the schedule's).
  public var acquisitionsPerPoint: Int {
    get { schedule.acquisitionsPerPoint }
    set { schedule.acquisitionsPerPoint = newValue }
  }
}
