import Foundation
import Records
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

  /// Events that could not be read (a daemon of another version), counted rather than shown.
  public private(set) var unreadable = 0

  /// Applies one event; `now` is its arrival time in seconds (for rates).
  public mutating func apply(_ event: ServerSentEvent, now: Double) {
    let decoded: LiveEventData?
    do throws(RecordDecodingError) {
      guard let value = try? JSONParser.parse(event.data) else {
        unreadable += 1
        return
      }
      decoded = try LiveEventData(event: event.event, data: value)
    } catch {
      unreadable += 1
      return
    }
    switch decoded {
    case .run(let started) where started.event == "start":
      let point = started.pointID.map { " point \($0)" } ?? ""
      run = "run \(started.runID.prefix(8))…  sample \(started.sampleID ?? "automatic")\(point)"
    case .instrument(let change):
      update(change.id) { $0.state = change.state }
    case .acquisition(let acquisition):
      acquisitions += 1
      update(acquisition.instrumentID) { line in
        line.kind = acquisition.kind.rawValue
        line.state = "open"
        line.spectrum = acquisition.counts
        line.unit = acquisition.unit
        line.deviceSequence = acquisition.deviceSeq
        line.verdict = Self.verdict(acquisition.detection)
        line.arrivals.append(now)
        line.arrivals.removeAll { now - $0 > 10 }
      }
    case .run, nil:
      return
    }
  }

  private mutating func update(_ id: String, _ change: (inout InstrumentLine) -> Void) {
    if instruments[id] == nil { order.append(id) }
    change(&instruments[id, default: InstrumentLine()])
  }

  /// The numbers a glance needs from a detector's result.
  static func verdict(_ detection: DetectionResult) -> String {
    var parts: [String] = []
    if let verdict = detection.fusion?.whitlockite { parts.append("whitlockite: \(verdict)") }
    switch detection {
    case .raman(let raman, _):
      parts.append("fraction " + measured(raman.whitlockiteFraction))
      if let detected = raman.phosphateDetected {
        parts.append(detected ? "phosphate detected" : "no phosphate")
      }
    case .xrf(let xrf, _):
      parts.append("Mg/Ca " + ratioText(xrf))
    }
    return parts.joined(separator: "  ")
  }

  /// Mg/Ca as a reader should see it: the value with σ, "< limit" below detection, and the
  /// basis when it is a net-area (uncalibrated) ratio.
  static func ratioText(_ xrf: XRFResult) -> String {
    if xrf.mgCaRatio.value == nil, xrf.mgCaBelowDetection == true,
      let limit = xrf.mgCaDetectionLimit
    {
      return "< \(format(limit)) (below detection)"
    }
    let text = measured(xrf.mgCaRatio)
    return xrf.mgCaRatioBasis == "net-area" && xrf.mgCaRatio.value != nil
      ? text + " (net-area)" : text
  }

  private static func measured(_ quantity: Measured) -> String {
    guard let value = quantity.value else { return "n/a" }
    return format(value) + (quantity.sigma.map { " ± \(format($0))" } ?? "")
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
