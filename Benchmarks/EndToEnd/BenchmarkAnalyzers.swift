import WhitlockConfiguration
import WhitlockDaemon

/// The daemon's own detector choice with its documented defaults.
enum BenchmarkAnalyzers {
  static let raman = AnalyzerFactory.make(kind: .raman, configuration: DetectionConfiguration())
}
