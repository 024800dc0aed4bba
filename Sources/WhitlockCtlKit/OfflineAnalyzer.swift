import Detection
import WhitlockCore

/// Runs the daemon's pipelines on stored spectra and builds one JSON line per spectrum with the
/// same `detection` object the spool would carry.
public final class OfflineAnalyzer {
  private let raman: RamanPipeline
  private let xrf: XRFPipeline

  /// Creates an analyzer with the given pipeline settings.
  public init(
    raman: RamanPipelineSettings = RamanPipelineSettings(),
    xrf: XRFPipelineSettings = XRFPipelineSettings()
  ) {
    self.raman = RamanPipeline(settings: raman)
    self.xrf = XRFPipeline(settings: xrf)
  }

  /// The `detection` object for `spectrum`.
  public func detection(_ spectrum: StoredSpectrum) -> JSONValue {
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
    members.append(("detection", detection(spectrum)))
    var writer = JSONWriter()
    writer.value(.object(members))
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}
