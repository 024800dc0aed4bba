import Records
import WhitlockCore

/// The one-line summary logged per acquisition: what was measured and, for simulated
/// instruments, the truth beside it.
enum AcquisitionLogLine {
  static func describe(_ acquisition: Acquisition, detection json: JSONValue) -> String {
    let detection = try? DetectionResult(decoding: json, kind: acquisition.instrument.kind)
    var parts = ["#\(acquisition.deviceSequence)", "\(acquisition.counts.count) ch"]
    if let point = acquisition.simulationTruth?["point_id"]?.stringValue {
      parts.append("point \(point)")
    }
    switch acquisition.instrument.kind {
    case .raman:
      parts.append(
        "whitlockite_fraction " + text(detection?.raman?.whitlockiteFraction))
      if let truth = acquisition.simulationTruth?["whitlockite_fraction"]?.doubleValue {
        parts.append("(truth \(MeasurementText.rounded(truth)))")
      }
    case .xrf:
      parts.append(
        "mg_ca_ratio " + text(detection?.xrf?.mgCaRatio))
      if let truth = acquisition.simulationTruth?["mg_ca_molar"]?.doubleValue {
        parts.append("(truth \(MeasurementText.rounded(truth)))")
      }
    }
    if acquisition.saturatedChannelCount > 0 {
      parts.append("saturated \(acquisition.saturatedChannelCount)")
    }
    return parts.joined(separator: " ")
  }

  private static func text(_ measured: Measured?) -> String {
    MeasurementText.measured(
      measured?.value.map(JSONValue.number), sigma: measured?.sigma.map(JSONValue.number))
  }

}
