import Foundation
import WhitlockCore

/// Turns an adjustable instrument's frames into the spectra a session records: finds the
/// exposure (auto-exposure), discards the first frame after any change of settings, never
/// delivers a saturated frame, averages scans, subtracts a matching dark, corrects the
/// detector's non-linearity and smooths, and records each step in the spectrum's parameters.
///
/// It calls the instrument the session gates, so a laser's emission rules hold throughout;
/// a dark only keeps the source off for its own frames. One chain serves one session, which
/// calls it from its acquisition task only.
public actor AcquisitionChain {
  private let instrument: any AdjustsExposure
  /// What the chain was configured with.
  public nonisolated let settings: AcquisitionChainSettings
  private let hasOwnLightSource: Bool

  /// The exposure of the next spectrum, s.
  public private(set) var exposureSeconds: Double
  /// The settings of the latest frame the device took (`nil` after open): a frame with other
  /// settings is preceded by one discarded frame.
  private var lastFrame: (exposure: Double, dark: Bool)?
  /// Scans the device averages per frame.
  private var scansOnDevice = 1
  /// The dark in use.
  public private(set) var dark: DarkFrame?
  /// The run of the latest spectrum; a new operator run searches the exposure again.
  private var runID: String?
  private var autoExposureDue = true
  /// The outcome of the latest search, written into the next spectrum's parameters.
  private var pendingSearch: JSONValue?
  /// Frames discarded since the latest spectrum (settings changes, saturation).
  private var framesDiscarded = 0
  private var saturatedFramesRejected = 0
  /// The device's non-linearity polynomial; `nil` when it has none.
  private var nonlinearity: [Double]?
  /// The axis and pixel count of the latest frame: the device a dark is taken on.
  public private(set) var latestFrameDevice: (axis: AxisCalibration, pixels: Int)?
  /// A dark restored from the instrument's state file, used from the first frame whose device
  /// axis and pixel count are the ones it was taken on (`offerRestoredDark`).
  private var offeredDark: (dark: DarkFrame, axis: AxisCalibration)?
  /// What became of the offered dark, until the session takes it (`takeRestoredDarkVerdict`).
  private var restoredDarkVerdict: RestoredDarkVerdict?

  public init(instrument: any AdjustsExposure, settings: AcquisitionChainSettings) {
    self.instrument = instrument
    self.settings = settings
    self.exposureSeconds = settings.exposureSeconds
    self.hasOwnLightSource = instrument is any GatesEmissionOnOperatorRuns
  }

  /// After every open: the device's state is unknown, so its next frame is discarded, and its
  /// averaging and non-linearity polynomial are read again.
  public func deviceOpened() async {
    lastFrame = nil
    scansOnDevice = max(
      1, (try? await instrument.setDeviceAveraging(scans: settings.scansToAverage)) ?? 1)
    nonlinearity = await instrument.nonlinearityCoefficients
  }

  /// One spectrum for `run`. A map's slot passes its plan's exposure as `planExposureSeconds`:
  /// the spectrum is taken at that exposure without an auto-exposure search (the plan is the
  /// operator's choice and every point of a map must be comparable); a saturated frame is
  /// still refused. Later spectra return to the chain's own exposure.
  public func acquire(runID: String, operatorRun: Bool, planExposureSeconds: Double? = nil)
    async throws -> Acquisition
  {
    if let planned = planExposureSeconds {
      let own = exposureSeconds
      exposureSeconds = planned
      defer { exposureSeconds = own }
      let frame = try await scans(dark: false)
      if frame.saturatedPixels > 0 {
        throw SaturatedSpectrumError(
          exposureSeconds: planned, saturatedPixels: frame.saturatedPixels,
          atShortestExposure: false)
      }
      return deliver(frame)
    }
    if runID != self.runID {
      self.runID = runID
      if operatorRun { autoExposureDue = true }
    }
    // A laser instrument is lit only in operator runs: searching in the dark would only find
    // the longest exposure.
    if let auto = settings.autoExposure, autoExposureDue, operatorRun || !hasOwnLightSource {
      try await searchExposure(auto)
      autoExposureDue = false
    }
    var frame = try await scans(dark: false)
    if frame.saturatedPixels > 0, let auto = settings.autoExposure {
      try await searchExposure(auto)
      frame = try await scans(dark: false)
    }
    if frame.saturatedPixels > 0 {
      throw SaturatedSpectrumError(
        exposureSeconds: exposureSeconds, saturatedPixels: frame.saturatedPixels,
        atShortestExposure: false)
    }
    return deliver(frame)
  }

  /// Takes a dark at the current settings and uses it from now on.
  public func takeDark() async throws -> DarkFrame {
    if offeredDark != nil {
      offeredDark = nil
      restoredDarkVerdict = .superseded
    }
    let frame = try await scans(dark: true)
    guard frame.saturatedPixels == 0 else {
      throw DarkRefusal(
        "the dark saturated \(frame.saturatedPixels) pixels at "
          + "\(MeasurementText.rounded(exposureSeconds)) s: light reached the detector "
          + (hasOwnLightSource ? "with the laser off" : "(block the beam)"))
    }
    let last = frame.last
    let dark = DarkFrame(
      id: UUID().uuidString.lowercased(), instrument: last.instrument, takenAt: last.endedAt,
      settings: FrameSettings(exposureSeconds: exposureSeconds, scansToAverage: frame.scans),
      gain: Self.number(last, "detector_gain"),
      detectorTemperatureC: Self.number(last, "detector_temperature_c"),
      counts: frame.mean, fullScale: last.fullScale,
      method: hasOwnLightSource ? "laser-off" : "operator-blocked")
    self.dark = dark
    return dark
  }

  /// One spectrum of a calibration target in the beam (a lamp or a standard): the exposure
  /// found by its own search (the configured auto-exposure, or the defaults), never saturated,
  /// averaged, corrected and recorded like a sample spectrum. `lit` false keeps the
  /// instrument's own light source off (a lamp is measured with the laser off). The sample's
  /// exposure is restored afterwards.
  public func acquireTarget(lit: Bool) async throws -> Acquisition {
    let sampleExposure = exposureSeconds
    let sampleSearch = pendingSearch
    defer {
      exposureSeconds = sampleExposure
      pendingSearch = sampleSearch
    }
    pendingSearch = nil
    framesDiscarded = 0
    saturatedFramesRejected = 0
    try await searchExposure(settings.autoExposure ?? AutoExposureSettings(), dark: !lit)
    let frame = try await scans(dark: !lit)
    if frame.saturatedPixels > 0 {
      throw SaturatedSpectrumError(
        exposureSeconds: exposureSeconds, saturatedPixels: frame.saturatedPixels,
        atShortestExposure: false)
    }
    return deliver(frame)
  }

  // MARK: A dark restored at start

  /// What became of a dark restored from the state file.
  public enum RestoredDarkVerdict: Sendable, Equatable {
    /// The device gave the same axis and pixel count: the dark is in use.
    case restored
    /// The device's axis or pixel count differs: the dark was not used.
    case deviceChanged(String)
    /// A new dark was taken first.
    case superseded
  }

  /// Offers a dark taken before a restart on a device with `deviceAxis`: it is used from the
  /// first frame that shows the same axis and pixel count, and ages from its own time.
  func offerRestoredDark(_ dark: DarkFrame, deviceAxis: AxisCalibration) {
    offeredDark = (dark, deviceAxis)
    restoredDarkVerdict = nil
  }

  /// The verdict on the offered dark once a frame decided it; `nil` before (or without one).
  func takeRestoredDarkVerdict() -> RestoredDarkVerdict? {
    defer { restoredDarkVerdict = nil }
    return restoredDarkVerdict
  }

  /// Decides the offered dark on the first frame of the device.
  private func judgeOfferedDark(_ frame: Acquisition) {
    guard case (let offered, let axis)? = offeredDark else { return }
    offeredDark = nil
    if frame.axis != axis {
      restoredDarkVerdict = .deviceChanged("the device axis is not the one the dark was taken on")
    } else if frame.counts.count != offered.counts.count {
      restoredDarkVerdict = .deviceChanged(
        "the device has \(frame.counts.count) pixels, the dark \(offered.counts.count)")
    } else {
      dark = offered
      restoredDarkVerdict = .restored
    }
  }

  // MARK: Frames

  private struct Scans {
    var last: Acquisition
    var mean: [Double]
    var scans: Int
    var saturatedPixels: Int
  }

  /// One frame at `exposure`, preceded by a discarded one when the settings changed.
  private func frame(exposure: Double, dark: Bool) async throws -> Acquisition {
    if lastFrame?.exposure != exposure || lastFrame?.dark != dark {
      // The first frame after a change may still carry the old settings.
      lastFrame = nil
      _ = try await instrument.acquire(exposureSeconds: exposure, dark: dark)
      framesDiscarded += 1
    }
    let acquisition = try await instrument.acquire(exposureSeconds: exposure, dark: dark)
    lastFrame = (exposure, dark)
    latestFrameDevice = (acquisition.axis, acquisition.counts.count)
    judgeOfferedDark(acquisition)
    return acquisition
  }

  /// The frames of one spectrum at the current exposure; stops at the first saturated one.
  private func scans(dark: Bool) async throws -> Scans {
    let frames = max(1, (settings.scansToAverage + scansOnDevice - 1) / scansOnDevice)
    var counts: [[UInt32]] = []
    var last: Acquisition?
    for _ in 0..<frames {
      let acquisition = try await frame(exposure: exposureSeconds, dark: dark)
      last = acquisition
      let saturated = acquisition.saturatedChannelCount
      if saturated > 0 {
        saturatedFramesRejected += dark ? 0 : 1
        framesDiscarded += 1
        return Scans(last: acquisition, mean: [], scans: 0, saturatedPixels: saturated)
      }
      counts.append(acquisition.counts)
    }
    guard let last else { throw CancellationError() }
    return Scans(
      last: last, mean: SpectrumCorrection.mean(counts), scans: frames * scansOnDevice,
      saturatedPixels: 0)
  }

  // MARK: Auto-exposure

  private func searchExposure(_ auto: AutoExposureSettings, dark: Bool = false) async throws {
    let device = await instrument.exposureRange
    let lower = max(auto.exposureRange.lowerBound, device.lowerBound)
    let upper = min(auto.exposureRange.upperBound, device.upperBound)
    let range = lower <= upper ? lower...upper : device
    var exposure = min(max(exposureSeconds, range.lowerBound), range.upperBound)
    var spent = 0.0
    var tried: [JSONValue] = []
    var outcome = "budget-exhausted"
    var chosen = exposure
    var lastUnsaturated: Double?
    for _ in 0..<max(auto.maximumSteps, 1) {
      if !tried.isEmpty && spent + exposure > auto.budgetSeconds { break }
      let acquisition = try await frame(exposure: exposure, dark: dark)
      spent += exposure
      tried.append(.number(exposure))
      let decision = AutoExposure.decide(
        exposureSeconds: exposure, counts: acquisition.counts, fullScale: acquisition.fullScale,
        settings: auto, range: range)
      if acquisition.saturatedChannelCount > 0 {
        framesDiscarded += 1
      } else {
        lastUnsaturated = exposure
      }
      switch decision {
      case .accept:
        chosen = exposure
        let peak = AutoExposure.peak(acquisition.counts)
        let window = AutoExposure.window(auto, fullScale: acquisition.fullScale)
        if window.contains(peak) {
          outcome = "in-window"
        } else {
          outcome = peak < window.lowerBound ? "below-window" : "above-window"
        }
        exposureSeconds = chosen
        pendingSearch = searchRecord(outcome, chosen: chosen, tried: tried, spent: spent)
        return
      case .retry(let next):
        exposure = next
      case .saturatedAtShortest(let shortest):
        pendingSearch = searchRecord("saturated", chosen: shortest, tried: tried, spent: spent)
        exposureSeconds = shortest
        throw SaturatedSpectrumError(
          exposureSeconds: shortest, saturatedPixels: acquisition.saturatedChannelCount,
          atShortestExposure: true)
      }
    }
    // Out of steps or time: the last exposure that did not saturate, else the next guess.
    chosen = lastUnsaturated ?? exposure
    exposureSeconds = chosen
    pendingSearch = searchRecord(outcome, chosen: chosen, tried: tried, spent: spent)
  }

  private func searchRecord(_ outcome: String, chosen: Double, tried: [JSONValue], spent: Double)
    -> JSONValue
  {
    .object([
      ("outcome", .string(outcome)), ("exposure_s", .number(chosen)), ("tried_s", .array(tried)),
      ("spent_s", .number(spent)),
    ])
  }

  // MARK: Corrections

  private func deliver(_ frame: Scans) -> Acquisition {
    var acquisition = frame.last
    var values = frame.mean
    var darkMember: JSONValue = .null
    let clamped: Int
    if let dark {
      let match = DarkMatch.judge(
        dark, settings: FrameSettings(exposureSeconds: exposureSeconds),
        pixels: values.count, gain: Self.number(acquisition, "detector_gain"),
        temperatureC: Self.number(acquisition, "detector_temperature_c"),
        at: acquisition.endedAt, rules: settings.darkRules)
      if match.subtracts {
        for index in values.indices { values[index] -= dark.counts[index] }
      }
      darkMember = .object([
        ("id", .string(dark.id)), ("subtracted", .bool(match.subtracts)),
        ("flags", .array(match.flags.map { JSONValue.string($0.rawValue) })),
        ("age_s", .number(match.ageSeconds)),
        ("exposure_s", .number(dark.settings.exposureSeconds)),
        ("scans_to_average", .int(Int64(dark.settings.scansToAverage))),
      ])
    }
    let nonlinearityState: String
    if !settings.correctNonlinearity {
      nonlinearityState = "off"
    } else if let coefficients = nonlinearity {
      if let problem = NonlinearityCheck.problem(
        coefficients: coefficients, fullScale: acquisition.fullScale)
      {
        nonlinearityState = "refused: \(problem)"
      } else {
        SpectrumCorrection.correctNonlinearity(&values, coefficients: coefficients)
        nonlinearityState = "applied"
      }
    } else {
      nonlinearityState = "none"
    }
    values = SpectrumCorrection.boxcar(values, halfWidth: settings.boxcarHalfWidth)
    let rounded = SpectrumCorrection.counts(values)
    acquisition.counts = rounded.counts
    clamped = rounded.clampedPixels
    acquisition.exposureSeconds = exposureSeconds
    acquisition.parameters += [
      ("exposure_control", .string(settings.autoExposure == nil ? "fixed" : "auto")),
      ("auto_exposure", pendingSearch ?? .null),
      ("scans_to_average", .int(Int64(frame.scans))),
      ("scans_on_device", .int(Int64(scansOnDevice))),
      ("boxcar_half_width", .int(Int64(settings.boxcarHalfWidth))),
      ("frames_discarded", .int(Int64(framesDiscarded))),
      ("saturated_frames_rejected", .int(Int64(saturatedFramesRejected))),
      ("nonlinearity_correction", .string(nonlinearityState)),
      ("dark", darkMember),
      ("dark_clamped_pixels", .int(Int64(clamped))),
    ]
    pendingSearch = nil
    framesDiscarded = 0
    saturatedFramesRejected = 0
    return acquisition
  }

  /// A numeric parameter of `acquisition`, when the device reports it.
  private static func number(_ acquisition: Acquisition, _ key: String) -> Double? {
    acquisition.parameters.first { $0.0 == key }?.1.doubleValue
  }
}
