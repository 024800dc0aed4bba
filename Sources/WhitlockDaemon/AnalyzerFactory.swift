import Calibration
import Detection
import WhitlockConfiguration
import WhitlockCore

/// Chooses the pipeline for an instrument's kind, with the configured parameters, and attaches
/// the fused per-point verdict when a fusion hub is given. With an axis calibration
/// (`[calibration.axis]`), Raman spectra are analysed on the calibrated axis and each detection
/// names the calibration.
public enum AnalyzerFactory {
  public static func make(
    kind: InstrumentKind, configuration: DetectionConfiguration, fusion: FusionHub? = nil,
    axisCalibration: WavenumberCalibration? = nil
  ) -> SpectrumAnalyzerFactory {
    switch kind {
    case .raman:
      let settings = configuration.raman
      return {
        RamanAnalyzer(
          pipeline: RamanPipeline(settings: settings), fusion: fusion,
          calibration: axisCalibration)
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
struct RamanAnalyzer: SpectrumAnalyzer {
  let pipeline: RamanPipeline
  let fusion: FusionHub?
  var calibration: WavenumberCalibration?
  /// The last device axis seen and its calibrated form (a device's axis rarely changes).
  private var cachedAxis: (device: AxisCalibration, pixels: Int, calibrated: AxisCalibration?)?

  init(pipeline: RamanPipeline, fusion: FusionHub?, calibration: WavenumberCalibration? = nil) {
    self.pipeline = pipeline
    self.fusion = fusion
    self.calibration = calibration
  }

  mutating func useAxisCalibration(_ calibration: WavenumberCalibration) {
    self.calibration = calibration
    cachedAxis = nil
  }

  mutating func analyze(_ acquisition: Acquisition) -> JSONValue {
    guard let calibration else {
      let analysis = pipeline.analyze(acquisition)
      return analysis.jsonValue(settings: pipeline.settings)
        .appending("fusion", fusion?.record(raman: analysis, of: acquisition))
    }
    let pixels = acquisition.counts.count
    if cachedAxis?.device != acquisition.axis || cachedAxis?.pixels != pixels {
      cachedAxis = (
        acquisition.axis, pixels, calibration.calibratedAxis(of: acquisition.axis, pixels: pixels)
      )
    }
    var calibrated = acquisition
    var provenance = calibration.provenance
    var accuracy = RamanAxisAccuracy.uncalibrated
    if let axis = cachedAxis?.calibrated {
      calibrated.axis = axis
      accuracy = calibration.axisAccuracy
    } else {
      provenance = provenance.appending("not_applied", .string("device axis cannot carry it"))
    }
    let analysis = pipeline.analyze(calibrated, axisAccuracy: accuracy)
    return analysis.jsonValue(settings: pipeline.settings)
      .appending("axis_calibration", provenance)
      .appending("fusion", fusion?.record(raman: analysis, of: acquisition))
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
