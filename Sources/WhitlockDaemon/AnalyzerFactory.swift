import Detection
import WhitlockCore

/// Chooses the detector for an instrument's kind, with the configured parameters.
public enum AnalyzerFactory {
  public static func make(kind: InstrumentKind, configuration: DetectionConfiguration)
    -> SpectrumAnalyzerFactory
  {
    switch kind {
    case .raman:
      let settings = configuration.raman
      return { RamanAnalyzer(detector: RamanPhosphateDetector(settings: settings)) }
    case .xrf:
      let settings = configuration.xrf
      return { XRFAnalyzer(detector: XRFMgCaDetector(settings: settings)) }
    }
  }
}

/// The Raman phosphate-band detector behind the `SpectrumAnalyzer` interface.
struct RamanAnalyzer: SpectrumAnalyzer {
  var detector: RamanPhosphateDetector

  mutating func analyze(_ acquisition: Acquisition) -> JSONValue {
    detector.detect(acquisition).jsonValue
  }
}

/// The XRF Mg/Ca detector behind the `SpectrumAnalyzer` interface.
struct XRFAnalyzer: SpectrumAnalyzer {
  var detector: XRFMgCaDetector

  mutating func analyze(_ acquisition: Acquisition) -> JSONValue {
    detector.detect(acquisition).jsonValue
  }
}
