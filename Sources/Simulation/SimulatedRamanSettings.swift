import SampleModels

/// Everything a simulated Raman spectrometer needs: identity, pacing, the sample schedule and the
/// physical model. Defaults give a 1024-pixel, 785 nm instrument integrating 1 s per spectrum.
public struct SimulatedRamanSettings: Sendable, Equatable {
  /// Seed of the noise; the schedule has its own seed (by default the same value).
  public var seed: UInt64
  /// Serial number the simulated device reports.
  public var serial: String
  /// Fraction of each exposure actually waited in wall-clock time (1 = real time; tests use
  /// smaller values to simulate long exposures quickly).
  public var pacing: Double
  /// Fault injection: after this many acquisitions the device hangs without answering, so
  /// tests can check that the daemon's watchdog notices. `nil` (the default) never hangs.
  public var stallAfterAcquisitions: Int? = nil
  /// A specimen under a stage: when set, each acquisition measures what lies under the probe
  /// at the stage's position (a map), not the schedule's next point.
  public var specimen: SpecimenUnderStage? = nil
  /// The physical model of sample and detector.
  public var model: RamanSampleModel
  /// Which composition lies under the probe at each acquisition.
  public var schedule: SimulatedSampleSchedule

  /// Creates settings; `seed` seeds both the noise and the schedule.
  public init(
    seed: UInt64 = 1, serial: String = "SIM-RAMAN-0001", exposureSeconds: Double = 1,
    pixelCount: Int = 1024, acquisitionsPerPoint: Int = 5, pacing: Double = 1,
    model: RamanSampleModel = RamanSampleModel()
  ) {
    self.seed = seed
    self.serial = serial
    self.pacing = pacing
    self.model = model
    self.schedule = SimulatedSampleSchedule(seed: seed, acquisitionsPerPoint: acquisitionsPerPoint)
    self.model.integrationSeconds = exposureSeconds
    self.model.pixelCount = pixelCount
  }

  /// Integration time per spectrum, s (the model's integration time).
  public var exposureSeconds: Double {
    get { model.integrationSeconds }
    set { model.integrationSeconds = newValue }
  }

  /// Number of pixels (the model's pixel count).
  public var pixelCount: Int {
    get { model.pixelCount }
    set { model.pixelCount = newValue }
  }

  /// Acquisitions per measurement point (the schedule's).
  public var acquisitionsPerPoint: Int {
    get { schedule.acquisitionsPerPoint }
    set { schedule.acquisitionsPerPoint = newValue }
  }
}
