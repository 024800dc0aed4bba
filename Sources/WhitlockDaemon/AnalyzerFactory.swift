import Detection
import WhitlockCore

/// Chooses the detector for an instrument's kind, with the configured parameters.
enum AnalyzerFactory {
  static func make(kind: InstrumentKind, configuration: DetectionConfiguration)
    -> SpectrumAnalyzerFactory
  {
    switch kind {
    case .raman:
      let settings = configuration.raman
      return { RamanAnalyzer(pipeline: RamanPipeline(settings: settings)) }
    case .xrf:
      let settings = configuration.xrf
      return { XRFAnalyzer(detector: XRFMgCaDetector(settings: settings)) }
    }
  }
}

/// The Raman pipeline behind the `SpectrumAnalyzer` interface.
struct RamanAnalyzer: SpectrumAnalyzer {
  let pipeline: RamanPipeline

  mutating func analyze(_ acquisition: Acquisition) -> JSONValue {
    pipeline.analyze(acquisition).jsonValue(settings: pipeline.settings)
  }
}

/// The XRF Mg/Ca detector behind the `SpectrumAnalyzer` interface.
struct XRFAnalyzer: SpectrumAnalyzer {
  var detector: XRFMgCaDetector

  mutating func analyze(_ acquisition: Acquisition) -> JSONValue {
    detector.detect(acquisition).jsonValue
  }
}
