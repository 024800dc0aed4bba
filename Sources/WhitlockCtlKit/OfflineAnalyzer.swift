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
  /// The intensity-response correction applied to Raman spectra inside its covered range
  /// (`[calibration.intensity]`), if any; it applies to spectra on the axis it was made on.
  public let intensity: IntensityCalibration?

  /// Creates an analyzer with the given pipeline settings, Raman axis calibration and
  /// intensity correction.
  public init(
    raman: RamanPipelineSettings = RamanPipelineSettings(),
    xrf: XRFPipelineSettings = XRFPipelineSettings(),
    calibration: WavenumberCalibration? = nil,
    intensity: IntensityCalibration? = nil
  ) {
    self.raman = RamanPipeline(settings: raman)
    self.xrf = XRFPipeline(settings: xrf)
    self.calibration = calibration
    self.intensity = intensity
  }

  /// Multiplies `intensities` (on `shifts`, the axis of calibration `axisID`, "" for the
  /// vendor's) by the correction's factors inside its covered range; the result's
  /// `intensity_calibration` member, `nil` without a correction.
  func correct(_ intensities: inout [Double], shifts: [Double], axisID: String) -> JSONValue? {
    guard let intensity else { return nil }
    guard axisID == intensity.axisCalibrationID else {
      return intensity.provenance(.refused(.otherAxisCalibration))
    }
    var factors: [Double] = []
    let coverage = intensity.fillFactors(&factors, shifts: shifts)
    guard coverage.correctedCount > 0 else {
      return intensity.provenance(.refused(.outsideCoveredRange))
    }
    for index in intensities.indices { intensities[index] *= factors[index] }
    return intensity.provenance(.applied(coverage))
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
    if spectrum.kind == .raman { return ramanDetection(spectrum) }
    switch spectrum.axis {
    case .energy(let energies):
      return xrf.analyze(energies: energies, counts: spectrum.intensities)
        .jsonValue(settings: xrf.settings)
    case .calibration(let calibration, let fullScale):
      let counts = spectrum.intensities.map { UInt32(clamping: Int64(max($0, 0).rounded())) }
      return counts.withUnsafeBufferPointer {
        xrf.analyze(counts: $0, axis: calibration, fullScale: fullScale)
      }.jsonValue(settings: xrf.settings)
    case .ramanShift:
      return Self.unsupported
    }
  }

  /// The detection object of a spectrum without a usable axis.
  static let unsupported: JSONValue = .object([
    ("method", .string("none")), ("flags", .array([.string("axis_unsupported")])),
  ])

  /// A Raman spectrum's detection: on the calibrated axis when there is a calibration, with its
  /// intensities corrected where the correction covers them (the points as read stay as read).
  func ramanDetection(_ spectrum: StoredSpectrum) -> JSONValue {
    if let calibration, let shifts = calibrated(spectrum, calibration) {
      var intensities = spectrum.intensities
      let correction = correct(&intensities, shifts: shifts, axisID: calibration.id)
      // Sorted ascending: a calibrated axis keeps the vendor's order, which may run downwards.
      let order = shifts.indices.sorted { shifts[$0] < shifts[$1] }
      return raman.analyze(
        shifts: order.map { shifts[$0] }, intensities: order.map { intensities[$0] },
        axisAccuracy: calibration.axisAccuracy
      ).jsonValue(settings: raman.settings).appending("intensity_calibration", correction)
    }
    switch spectrum.axis {
    case .ramanShift(let shifts):
      var intensities = spectrum.intensities
      let correction = correct(&intensities, shifts: shifts, axisID: "")
      return raman.analyze(shifts: shifts, intensities: intensities)
        .jsonValue(settings: raman.settings).appending("intensity_calibration", correction)
    case .calibration(let axis, let fullScale):
      let counts = spectrum.intensities.map { UInt32(clamping: Int64(max($0, 0).rounded())) }
      var factors = [Double](repeating: 1, count: counts.count)
      var correction = intensity?.provenance(.refused(.noRamanShiftAxis))
      if case .wavelengthPolynomial = axis {
        var shifts: [Double] = []
        axis.fillAxis(&shifts, count: counts.count)
        correction = correct(&factors, shifts: shifts, axisID: "")
      }
      let applied = correction?["state"] == .string("applied")
      return counts.withUnsafeBufferPointer { counts in
        factors.withUnsafeBufferPointer { factors in
          raman.analyze(
            counts: counts, axis: axis, fullScale: fullScale,
            responseFactors: applied ? factors : nil)
        }
      }.jsonValue(settings: raman.settings).appending("intensity_calibration", correction)
    case .energy:
      return Self.unsupported.appending(
        "intensity_calibration", intensity?.provenance(.refused(.noRamanShiftAxis)))
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

extension JSONValue {
  /// An object with one more member (other values, and a `nil` member, leave it unchanged).
  fileprivate func appending(_ key: String, _ value: JSONValue?) -> JSONValue {
    guard let value, case .object(var members) = self else { return self }
    members.append((key, value))
    return .object(members)
  }
}
