import WhitlockCore

/// The one-line summary logged per acquisition: what was measured and, for simulated
/// instruments, the truth beside it.
enum AcquisitionLogLine {
  static func describe(_ acquisition: Acquisition, detection: JSONValue) -> String {
    var parts = ["#\(acquisition.deviceSequence)", "\(acquisition.counts.count) ch"]
    if let point = acquisition.simulationTruth?["point_id"]?.stringValue {
      parts.append("point \(point)")
    }
    switch acquisition.instrument.kind {
    case .raman:
      parts.append(
        "whitlockite_fraction "
          + MeasurementText.measured(
            detection["whitlockite_fraction"], sigma: detection["whitlockite_fraction_sigma"]))
      if let truth = acquisition.simulationTruth?["whitlockite_fraction"]?.doubleValue {
        parts.append("(truth \(MeasurementText.rounded(truth)))")
      }
    case .xrf:
      parts.append(
        "mg_ca_ratio "
          + MeasurementText.measured(
            detection["mg_ca_ratio"], sigma: detection["mg_ca_ratio_sigma"]))
      if let truth = acquisition.simulationTruth?["mg_ca_molar"]?.doubleValue {
        parts.append("(truth \(MeasurementText.rounded(truth)))")
      }
    }
    if acquisition.saturatedChannelCount > 0 {
      parts.append("saturated \(acquisition.saturatedChannelCount)")
    }
    return parts.joined(separator: " ")
  }

}
