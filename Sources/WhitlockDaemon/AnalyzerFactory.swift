import Calibration
import Detection
import WhitlockConfiguration
import WhitlockCore

/// Chooses the pipeline for an instrument's kind, with the configured parameters, and attaches
/// the fused per-point verdict when a fusion hub is given. With an axis calibration
/// (`[calibration.axis]`), Raman spectra are analysed on the calibrated axis and each detection
/// names the calibration; with an intensity correction (`[calibration.intensity]`) their
/// intensities are corrected inside its covered range before detection and each detection says
/// whether and where.
public enum AnalyzerFactory {
  public static func make(
    kind: InstrumentKind, configuration: DetectionConfiguration, fusion: FusionHub? = nil,
    axisCalibration: WavenumberCalibration? = nil,
    intensityCalibration: IntensityCalibration? = nil
  ) -> SpectrumAnalyzerFactory {
    switch kind {
    case .raman:
      let settings = configuration.raman
      return {
        RamanAnalyzer(
          pipeline: RamanPipeline(settings: settings), fusion: fusion,
          calibration: axisCalibration, intensity: intensityCalibration)
      }
    case .xrf:
      let settings = configuration.xrf
      return { XRFAnalyzer(pipeline: XRFPipeline(settings: settings), fusion: fusion) }
    }
  }
}

extension JSONValue {
  /// An object with one more member (other values are returned unchanged).
  func appending(_ key: String, _ value: JSONValue?) -> JSONValue {
    guard let value, case .object(var members) = self else { return self }
    members.append((key, value))
    return .object(members)
  }
}

/// The Raman pipeline behind the `SpectrumAnalyzer` interface.
///
/// Everything that depends only on the device axis (the calibrated axis, the per-pixel response
/// factors, the provenance members) is computed when the axis changes and reused, so a spectrum
/// costs the pipeline's work and one multiplication per pixel, nothing allocated for it.
struct RamanAnalyzer: SpectrumAnalyzer {
  let pipeline: RamanPipeline
  let fusion: FusionHub?
  var calibration: WavenumberCalibration?
  /// The intensity-response correction, made on the axis calibration configured at start.
  let intensity: IntensityCalibration?
  /// Set once an axis calibration other than the one the correction was made on is in force:
  /// the correction then stays off, and every result says why.
  private var intensityRefusal: IntensityCorrectionRefusal?
  /// What the last device axis seen gives (a device's axis rarely changes).
  private var cachedAxis: PreparedAxis?
  /// The response factor of every pixel on the cached axis (1 outside the covered range).
  private var factors: [Double] = []
  /// Scratch for the cached axis's shifts.
  private var shifts: [Double] = []

  /// One device axis as this analyzer analyses it.
  private struct PreparedAxis {
    var device: AxisCalibration
    var pixels: Int
    var calibrated: AxisCalibration?
    var axisProvenance: JSONValue?
    var intensityProvenance: JSONValue?
    var correcting: Bool
  }

  init(
    pipeline: RamanPipeline, fusion: FusionHub?, calibration: WavenumberCalibration? = nil,
    intensity: IntensityCalibration? = nil
  ) {
    self.pipeline = pipeline
    self.fusion = fusion
    self.calibration = calibration
    self.intensity = intensity
  }

  mutating func useAxisCalibration(_ calibration: WavenumberCalibration) {
    self.calibration = calibration
    cachedAxis = nil
    if let intensity {
      intensityRefusal =
        calibration.id == intensity.axisCalibrationID ? nil : .axisCalibrationChanged
    }
  }

  mutating func analyze(_ acquisition: Acquisition) -> JSONValue {
    let pixels = acquisition.counts.count
    let prepared: PreparedAxis
    if let cachedAxis, cachedAxis.device == acquisition.axis, cachedAxis.pixels == pixels {
      prepared = cachedAxis
    } else {
      prepared = prepare(acquisition.axis, pixels: pixels)
      cachedAxis = prepared
    }
    var analysed = acquisition
    var accuracy = RamanAxisAccuracy.uncalibrated
    if let axis = prepared.calibrated, let calibration {
      analysed.axis = axis
      accuracy = calibration.axisAccuracy
    }
    let analysis: RamanAnalysis
    if prepared.correcting {
      analysis = factors.withUnsafeBufferPointer {
        pipeline.analyze(analysed, axisAccuracy: accuracy, responseFactors: $0)
      }
    } else {
      analysis = pipeline.analyze(analysed, axisAccuracy: accuracy)
    }
    return analysis.jsonValue(settings: pipeline.settings)
      .appending("axis_calibration", prepared.axisProvenance)
      .appending("intensity_calibration", prepared.intensityProvenance)
      .appending("fusion", fusion?.record(raman: analysis, of: acquisition))
  }

  /// The calibrated axis, response factors and provenance for spectra on `device`.
  private mutating func prepare(_ device: AxisCalibration, pixels: Int) -> PreparedAxis {
    var prepared = PreparedAxis(device: device, pixels: pixels, correcting: false)
    if let calibration {
      prepared.calibrated = calibration.calibratedAxis(of: device, pixels: pixels)
      prepared.axisProvenance =
        prepared.calibrated == nil
        ? calibration.provenance.appending("not_applied", .string("device axis cannot carry it"))
        : calibration.provenance
    }
    guard let intensity else { return prepared }
    let analysedOn = prepared.calibrated == nil ? "" : calibration?.id ?? ""
    let state: IntensityCorrectionState
    if let intensityRefusal {
      state = .refused(intensityRefusal)
    } else if case .linearEnergy = device {
      state = .refused(.noRamanShiftAxis)
    } else if analysedOn != intensity.axisCalibrationID {
      state = .refused(.axisCalibrationNotApplied)
    } else {
      (prepared.calibrated ?? device).fillAxis(&shifts, count: pixels)
      let coverage = intensity.fillFactors(&factors, shifts: shifts)
      if coverage.correctedCount == 0 {
        state = .refused(.outsideCoveredRange)
      } else {
        state = .applied(coverage)
        prepared.correcting = true
      }
    }
    prepared.intensityProvenance = intensity.provenance(state)
    return prepared
  }
}

/// The XRF pipeline behind the `SpectrumAnalyzer` interface.
struct XRFAnalyzer: SpectrumAnalyzer {
  let pipeline: XRFPipeline
  let fusion: FusionHub?

  mutating func analyze(_ acquisition: Acquisition) -> JSONValue {
    let analysis = pipeline.analyze(acquisition)
    return analysis.jsonValue(settings: pipeline.settings)
      .appending("fusion", fusion?.record(xrf: analysis, of: acquisition))
  }
}
