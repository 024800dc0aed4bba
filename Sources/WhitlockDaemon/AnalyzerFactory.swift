import Detection
import WhitlockConfiguration
import WhitlockCore

/// Chooses the pipeline for an instrument's kind, with the configured parameters, and attaches
/// the fused per-point verdict when a fusion hub is given.
public enum AnalyzerFactory {
  public static func make(
    kind: InstrumentKind, configuration: DetectionConfiguration, fusion: FusionHub? = nil
  ) -> SpectrumAnalyzerFactory {
    switch kind {
    case .raman:
      let settings = configuration.raman
      return { RamanAnalyzer(pipeline: RamanPipeline(settings: settings), fusion: fusion) }
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

  mutating func analyze(_ acquisition: Acquisition) -> JSONValue {
    let analysis = pipeline.analyze(acquisition)
    return analysis.jsonValue(settings: pipeline.settings)
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
