import SampleModels
import WhitlockCore

/// The physical Raman model behind every device emulation: it turns "integrate for t seconds" into
/// counts of the sample currently under the probe, and remembers that sample's truth.
public struct EmulatedRamanSource: Sendable {
  /// The physical model (pixel count, full scale and wavelength polynomial of the device).
  public private(set) var model: RamanSampleModel
  /// Which sample lies under the probe at each acquisition.
  public var schedule: SimulatedSampleSchedule
  /// Pixels that see no light (electrically dark, masked).
  public var darkPixels: [Int]
  /// Seed of the noise.
  public var seed: UInt64
  /// Spectra produced so far.
  public private(set) var spectraTaken: UInt64 = 0
  /// Truth of the latest spectrum.
  public private(set) var latestTruth: JSONValue?

  private static let noiseSalt: UInt64 = 0x454D_554C_4154_4F52

  /// A source for a device with `pixelCount` pixels clipping at `fullScale`.
  public init(
    seed: UInt64, pixelCount: Int, fullScale: UInt32, darkPixels: [Int],
    excitationNanometres: Double, acquisitionsPerPoint: Int
  ) {
    var model = RamanSampleModel(pixelCount: pixelCount)
    model.fullScale = fullScale
    model.excitationNanometres = excitationNanometres
    self.model = model
    self.schedule = SimulatedSampleSchedule(seed: seed, acquisitionsPerPoint: acquisitionsPerPoint)
    self.darkPixels = darkPixels
    self.seed = seed
  }

  /// The wavelength polynomial (nm, c0…c3 over readout pixels) the device stores.
  public var wavelengthCoefficients: [Double] { model.wavelengthCoefficients }

  /// One spectrum integrated for `seconds`; with `illuminated` false (laser off) only offset,
  /// dark charge and noise.
  public mutating func spectrum(integrationSeconds seconds: Double, illuminated: Bool = true)
    -> [UInt32]
  {
    let point = schedule.point(forAcquisition: spectraTaken)
    spectraTaken += 1
    var random = RandomSource(seed: seed ^ Self.noiseSalt, stream: spectraTaken)
    model.integrationSeconds = seconds
    var composition = point.raman
    if !illuminated {
      composition = RamanComposition(tissueStrength: 0, fluorescenceStrength: 0)
    }
    var counts = model.counts(for: composition, random: &random)
    let darkLevel = model.baselineOffset + model.darkCurrent * seconds
    for pixel in darkPixels where pixel < counts.count {
      let noisy = darkLevel + model.readNoise * random.gaussian()
      counts[pixel] = UInt32(min(max(noisy.rounded(), 0), Double(model.fullScale)))
    }
    latestTruth = point.truth
    return counts
  }
}
