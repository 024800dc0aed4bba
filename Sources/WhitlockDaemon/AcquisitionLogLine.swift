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
          + measured(detection["whitlockite_fraction"], detection["whitlockite_fraction_sigma"]))
      if let truth = acquisition.simulationTruth?["whitlockite_fraction"]?.doubleValue {
        parts.append("(truth \(format(truth)))")
      }
    case .xrf:
      parts.append(
        "mg_ca_ratio " + measured(detection["mg_ca_ratio"], detection["mg_ca_ratio_sigma"]))
      if let truth = acquisition.simulationTruth?["mg_ca_molar"]?.doubleValue {
        parts.append("(truth \(format(truth)))")
      }
    }
    if acquisition.saturatedChannelCount > 0 {
      parts.append("saturated \(acquisition.saturatedChannelCount)")
    }
    return parts.joined(separator: " ")
  }

  private static func measured(_ value: JSONValue?, _ sigma: JSONValue?) -> String {
    guard let number = value?.doubleValue else { return "n/a" }
    guard let uncertainty = sigma?.doubleValue else { return format(number) }
    return "\(format(number)) ± \(format(uncertainty))"
  }

  private static func format(_ value: Double) -> String {
    let rounded = (value * 1000).rounded() / 1000
    return "\(rounded)"
  }
}
