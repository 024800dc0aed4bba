import Foundation

/// A dark spectrum (no light on the detector) and the settings it was taken with.
///
/// It is subtracted from later spectra only when their exposure, gain and pixel count match;
/// averaging only lowers a dark's noise and need not match. Each record that meets a dark names
/// it and says whether it was subtracted and what is wrong with it (`DarkMatch`).
public struct DarkFrame: Sendable, Equatable {
  /// Unique id (a UUID, lower case); records name their dark by it.
  public var id: String
  /// The instrument it belongs to.
  public var instrument: InstrumentIdentity
  /// When the dark's last scan was read.
  public var takenAt: Date
  /// Exposure and averaging.
  public var settings: FrameSettings
  /// Detector gain when the device reports one.
  public var gain: Double?
  /// Detector temperature, °C, when the device reports one.
  public var detectorTemperatureC: Double?
  /// Mean counts per pixel over the averaged scans (raw: before non-linearity correction).
  public var counts: [Double]
  /// The detector's full scale, counts.
  public var fullScale: UInt32
  /// How the light was kept off: `laser-off` (the instrument switched its source off) or
  /// `operator-blocked` (the operator was asked to block the beam).
  public var method: String

  public init(
    id: String, instrument: InstrumentIdentity, takenAt: Date, settings: FrameSettings,
    gain: Double?, detectorTemperatureC: Double?, counts: [Double], fullScale: UInt32,
    method: String
  ) {
    self.id = id
    self.instrument = instrument
    self.takenAt = takenAt
    self.settings = settings
    self.gain = gain
    self.detectorTemperatureC = detectorTemperatureC
    self.counts = counts
    self.fullScale = fullScale
    self.method = method
  }
}

/// What is wrong, if anything, with using a dark for one spectrum.
public struct DarkMatch: Sendable, Equatable {
  /// One reason a dark does not fit a spectrum.
  public enum Flag: String, Sendable, CaseIterable {
    /// Taken at another exposure: not subtracted.
    case exposureMismatch = "exposure-mismatch"
    /// Taken at another detector gain: not subtracted.
    case gainMismatch = "gain-mismatch"
    /// Another pixel count: not subtracted.
    case pixelCountMismatch = "pixel-count-mismatch"
    /// The detector's temperature moved by more than the tolerance: subtracted, flagged.
    case temperatureMismatch = "temperature-mismatch"
    /// Older than the configured age: subtracted, flagged.
    case stale
  }

  /// Everything wrong, in `Flag` order; empty when the dark fits.
  public var flags: [Flag]
  /// Seconds since the dark was taken.
  public var ageSeconds: Double

  /// Whether the dark may be subtracted: its exposure, gain and pixel count match.
  public var subtracts: Bool {
    !flags.contains { [.exposureMismatch, .gainMismatch, .pixelCountMismatch].contains($0) }
  }

  /// Judges `dark` for a spectrum of `pixels` pixels taken with `settings` at `gain` and
  /// `temperatureC` at time `now`.
  public static func judge(
    _ dark: DarkFrame, settings: FrameSettings, pixels: Int, gain: Double?,
    temperatureC: Double?, at now: Date, rules: DarkRules
  ) -> DarkMatch {
    var flags: [Flag] = []
    let exposure = settings.exposureSeconds
    if abs(dark.settings.exposureSeconds - exposure) > max(1e-6, exposure * 1e-6) {
      flags.append(.exposureMismatch)
    }
    if dark.gain != gain { flags.append(.gainMismatch) }
    if dark.counts.count != pixels { flags.append(.pixelCountMismatch) }
    if let then = dark.detectorTemperatureC, let temperatureC,
      abs(then - temperatureC) > rules.temperatureToleranceC
    {
      flags.append(.temperatureMismatch)
    }
    let age = now.timeIntervalSince(dark.takenAt)
    if age > rules.maximumAgeSeconds { flags.append(.stale) }
    return DarkMatch(flags: flags, ageSeconds: age)
  }
}

/// When a dark stops fitting.
public struct DarkRules: Sendable, Equatable {
  /// A dark older than this is flagged `stale` on every spectrum it is used for, s.
  public var maximumAgeSeconds: Double = 3600
  /// A detector temperature further than this from the dark's is flagged, °C.
  public var temperatureToleranceC: Double = 2

  public init(maximumAgeSeconds: Double = 3600, temperatureToleranceC: Double = 2) {
    self.maximumAgeSeconds = maximumAgeSeconds
    self.temperatureToleranceC = temperatureToleranceC
  }
}
