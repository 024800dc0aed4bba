import Calibration
import Detection
import WhitlockConfiguration
import WhitlockCore

/// Runs the daemon's pipelines on stored spectra and builds one JSON line per spectrum with the
/// same `detection` object the spool would carry.
public final class OfflineAnalyzer {
  private let raman: RamanPipeline
  private let xrf: XRFPipeline
  /// The axis calibration Raman spectra are analysed on (`[calibration.axis]`), if any.
  public let calibration: WavenumberCalibration?

  /// Creates an analyzer with the given pipeline settings and Raman axis calibration.
  public init(
    raman: RamanPipelineSettings = RamanPipelineSettings(),
    xrf: XRFPipelineSettings = XRFPipelineSettings(),
    calibration: WavenumberCalibration? = nil
  ) {
    self.raman = RamanPipeline(settings: raman)
    self.xrf = XRFPipeline(settings: xrf)
    self.calibration = calibration
  }

  /// A Raman spectrum's axis moved onto the calibrated one: vendor shifts (computed with the
  /// file's stated laser wavelength, else the calibration's) or a device's wavelength polynomial.
  func calibrated(_ spectrum: StoredSpectrum, _ calibration: WavenumberCalibration) -> [Double]? {
    switch spectrum.axis {
    case .ramanShift(let shifts):
      return shifts.map {
        calibration.shift(
          vendorShift: $0, vendorExcitationNanometres: spectrum.vendorExcitationNanometres)
      }
    case .calibration(let axis, _):
      return spectrum.intensities.indices.map {
        calibration.shift(vendorWavelengthNanometres: axis.wavelength(atPixel: Double($0)) ?? 0)
      }
    case .energy:
      return nil
    }
  }

  /// The `detection` object for `spectrum`.
  public func detection(_ spectrum: StoredSpectrum) -> JSONValue {
    if spectrum.kind == .raman, let calibration, let shifts = calibrated(spectrum, calibration) {
      // Sorted ascending: a calibrated axis keeps the vendor's order, which may run downwards.
      let order = shifts.indices.sorted { shifts[$0] < shifts[$1] }
      return raman.analyze(
        shifts: order.map { shifts[$0] }, intensities: order.map { spectrum.intensities[$0] },
        axisAccuracy: calibration.axisAccuracy
      ).jsonValue(settings: raman.settings)
    }
    switch (spectrum.kind, spectrum.axis) {
    case (.raman, .ramanShift(let shifts)):
      return raman.analyze(shifts: shifts, intensities: spectrum.intensities)
        .jsonValue(settings: raman.settings)
    case (.xrf, .energy(let energies)):
      return xrf.analyze(energies: energies, counts: spectrum.intensities)
        .jsonValue(settings: xrf.settings)
    case (.raman, .calibration(let calibration, let fullScale)):
      let counts = spectrum.intensities.map { UInt32(clamping: Int64(max($0, 0).rounded())) }
      return counts.withUnsafeBufferPointer {
        raman.analyze(counts: $0, axis: calibration, fullScale: fullScale)
      }.jsonValue(settings: raman.settings)
    case (.xrf, .calibration(let calibration, let fullScale)):
      let counts = spectrum.intensities.map { UInt32(clamping: Int64(max($0, 0).rounded())) }
      return counts.withUnsafeBufferPointer {
        xrf.analyze(counts: $0, axis: calibration, fullScale: fullScale)
      }.jsonValue(settings: xrf.settings)
    default:
      return .object([
        ("method", .string("none")), ("flags", .array([.string("axis_unsupported")])),
      ])
    }
  }

  /// The XRF analysis of `spectrum`, or nil when it is not an XRF spectrum.
  public func xrfAnalysis(_ spectrum: StoredSpectrum) -> XRFAnalysis? {
    switch (spectrum.kind, spectrum.axis) {
    case (.xrf, .energy(let energies)):
      return xrf.analyze(energies: energies, counts: spectrum.intensities)
    case (.xrf, .calibration(let calibration, let fullScale)):
      let counts = spectrum.intensities.map { UInt32(clamping: Int64(max($0, 0).rounded())) }
      return counts.withUnsafeBufferPointer {
        xrf.analyze(counts: $0, axis: calibration, fullScale: fullScale)
      }
    default:
      return nil
    }
  }

  /// One output line: source, seq (spool input), kind and detection.
  public func line(_ spectrum: StoredSpectrum) -> String {
    var members: [(String, JSONValue)] = [("source", .string(spectrum.source))]
    if let seq = spectrum.seq { members.append(("seq", .int(seq))) }
    members.append(("kind", .string(spectrum.kind.rawValue)))
    members.append(("points", .int(Int64(spectrum.intensities.count))))
    if spectrum.kind == .raman, let calibration {
      members.append(("calibration", calibration.provenance))
    }
    members.append(("detection", detection(spectrum)))
    var writer = JSONWriter()
    writer.value(.object(members))
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}
