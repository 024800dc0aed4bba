import Foundation
import WhitlockCore

/// The state behind `whitlockctl watch`: the latest picture of every instrument, built from
/// server-sent events and rendered as a screenful of text.
public struct LiveView: Sendable {
  struct InstrumentLine: Sendable {
    var kind = "?"
    var state = "?"
    var spectrum: [Double] = []
    var unit = ""
    var verdict = "no data yet"
    var deviceSequence: Int64 = 0
    var arrivals: [Double] = []
  }

  private var instruments: [String: InstrumentLine] = [:]
  private var order: [String] = []
  private var run = "run: unknown"
  /// Acquisition events applied so far.
  public private(set) var acquisitions = 0

  public init() {}

  /// Applies one event; `now` is its arrival time in seconds (for rates).
  public mutating func apply(_ event: ServerSentEvent, now: Double) {
    guard let value = try? JSONParser.parse(event.data) else { return }
    switch event.event {
    case "run":
      guard value["event"]?.stringValue == "start" else { return }
      let sample = value["sample_id"]?.stringValue ?? "automatic"
      let point = value["point_id"]?.stringValue.map { " point \($0)" } ?? ""
      let runID = value["run_id"]?.stringValue?.prefix(8) ?? "?"
      run = "run \(runID)…  sample \(sample)\(point)"
    case "instrument":
      guard let id = value["id"]?.stringValue else { return }
      update(id) { $0.state = value["state"]?.stringValue ?? "?" }
    case "acquisition":
      guard let id = value["instrument"]?["id"]?.stringValue else { return }
      acquisitions += 1
      update(id) { line in
        line.kind = value["instrument"]?["kind"]?.stringValue ?? "?"
        line.state = "open"
        if case .array(let counts)? = value["spectrum"]?["counts"] {
          line.spectrum = counts.compactMap(\.doubleValue)
        }
        line.unit = value["spectrum"]?["unit"]?.stringValue ?? ""
        line.deviceSequence = Int64(value["device_seq"]?.doubleValue ?? 0)
        line.verdict = Self.verdict(kind: line.kind, detection: value["detection"])
        line.arrivals.append(now)
        line.arrivals.removeAll { now - $0 > 10 }
      }
    default:
      return
    }
  }

  private mutating func update(_ id: String, _ change: (inout InstrumentLine) -> Void) {
    if instruments[id] == nil { order.append(id) }
    change(&instruments[id, default: InstrumentLine()])
  }

  /// The numbers a glance needs, from the detection object whatever detector produced it.
  static func verdict(kind: String, detection: JSONValue?) -> String {
    guard let detection else { return "no detection" }
    var parts: [String] = []
    if let verdict = detection["verdict"]?.stringValue ?? detection["whitlockite"]?.stringValue {
      parts.append("whitlockite: \(verdict)")
    }
    if kind == "raman" {
      if let fraction = detection["whitlockite_fraction"]?.doubleValue {
        let sigma = detection["whitlockite_fraction_sigma"]?.doubleValue
        parts.append("fraction \(format(fraction))\(sigma.map { " ± \(format($0))" } ?? "")")
      } else {
        parts.append("fraction n/a")
      }
      if case .bool(let detected)? = detection["phosphate_detected"] {
        parts.append(detected ? "phosphate detected" : "no phosphate")
      }
    } else {
      if let ratio = detection["mg_ca_ratio"]?.doubleValue {
        let sigma = detection["mg_ca_ratio_sigma"]?.doubleValue
        parts.append("Mg/Ca \(format(ratio))\(sigma.map { " ± \(format($0))" } ?? "")")
      } else {
        parts.append("Mg/Ca n/a")
      }
    }
    return parts.joined(separator: "  ")
  }

  private static func format(_ value: Double) -> String { String(format: "%.3f", value) }

  /// The screen: run line, then per instrument a status line and a spectrum sparkline.
  public func render(width: Int = 80, now: Double) -> String {
    var lines = ["whitlockd live — \(run)", ""]
    for id in order {
      guard let line = instruments[id] else { continue }
      let recent = line.arrivals.filter { now - $0 <= 10 }
      let span = max(1, min(10, now - (recent.first ?? now)))
      let rate = recent.count > 1 ? Double(recent.count - 1) / span : 0
      lines.append(
        "\(id) [\(line.kind), \(line.state)]  #\(line.deviceSequence)  "
          + String(format: "%.1f/s", rate))
      lines.append("  \(line.verdict)")
      if !line.spectrum.isEmpty {
        lines.append("  " + Sparkline.render(line.spectrum, width: max(10, width - 4)))
      }
      lines.append("")
    }
    return lines.joined(separator: "\n")
  }
}
