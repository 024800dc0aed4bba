import Foundation
import Records
import Spool
import WhitlockCore

/// Reads the most recent records of a spool and renders one human-readable line each.
public enum SpoolTail {
  /// A record's place in the spool, for following new ones without repeats.
  public struct Position: Sendable, Equatable {
    public var lastSequence: UInt64 = 0
    public init() {}
  }

  /// The last `count` records with a sequence number above `position`, oldest first, from
  /// `new/`, `cur/` and (marked as unpublished) the open segment in `tmp/`.
  public static func recent(
    in layout: SpoolLayout, count: Int, after position: Position = Position()
  ) throws -> [(seq: UInt64, record: JSONValue, published: Bool)] {
    var collected: [(seq: UInt64, record: JSONValue, published: Bool)] = []
    let sources: [(String, Bool)] = [(layout.new, true), (layout.cur, true), (layout.tmp, false)]
    var files: [(name: String, path: String, published: Bool)] = []
    for (directory, published) in sources {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      for name in names where name.hasSuffix(".ndjson") {
        files.append((name, directory + "/" + name, published))
      }
    }
    // Names sort by first sequence number; read from the newest until enough records are found.
    files.sort { $0.name > $1.name }
    for file in files {
      guard let data = FileManager.default.contents(atPath: file.path) else { continue }
      for line in data.split(separator: 0x0A) {
        guard let record = try? JSONParser.parse(Array(line)),
          case .int(let raw)? = record["seq"], raw > 0, UInt64(raw) > position.lastSequence
        else { continue }
        collected.append((UInt64(raw), record, file.published))
      }
      if collected.count >= count { break }
    }
    collected.sort { $0.seq < $1.seq }
    return Array(collected.suffix(count))
  }

  /// One line describing a record; a record that does not decode is shown with the reason.
  public static func describe(_ record: JSONValue, published: Bool = true) -> String {
    var parts: [String]
    do throws(RecordDecodingError) {
      parts = describe(try StoredRecord(record))
    } catch {
      let seq = error.seq.map { "seq \($0)" } ?? "seq ?"
      parts = [
        record["time"]?.stringValue ?? "?", seq,
        "unreadable record: \(error.member): \(error.problem)",
      ]
    }
    if !published { parts.append("[not yet published]") }
    return parts.joined(separator: " ")
  }

  private static func describe(_ record: StoredRecord) -> [String] {
    let header = record.header
    var parts = [header.time, "seq \(header.seq)", header.instrument.id, header.type]
    switch record {
    case .acquisition(let acquisition):
      parts.append("#\(acquisition.exposure.deviceSeq)")
      // The simulation's truth is free-form: it follows the simulated sample model.
      let truth = acquisition.simulation
      if let point = truth?["point_id"]?.stringValue { parts.append("point \(point)") }
      switch acquisition.detection {
      case .raman(let raman, _):
        parts.append(
          "whitlockite_fraction " + measured(raman.whitlockiteFraction))
        if let value = truth?["whitlockite_fraction"]?.doubleValue {
          parts.append("(truth \(MeasurementText.rounded(value)))")
        }
      case .xrf(let xrf, _):
        parts.append("mg_ca_ratio " + LiveView.ratioText(xrf))
        if let value = truth?["mg_ca_molar"]?.doubleValue {
          parts.append("(truth \(MeasurementText.rounded(value)))")
        }
      }
    case .runStart(let start):
      parts.append("run \(start.header.runID)")
    case .runEnd(let end):
      let summary = end.summary
      parts.append(
        "reason \(summary.reason) spooled \(summary.acquisitionsSpooled) dropped "
          + "\(summary.acquisitionsDropped) interrupted \(summary.acquisitionsInterrupted)")
    case .mapPlan(let map):
      parts.append("map \(map.plan.id) points \(map.plan.grid.points.count)")
    case .dark(let dark):
      parts.append(
        "dark \(dark.id) exposure \(MeasurementText.rounded(dark.exposureSeconds)) s "
          + "scans \(dark.scansToAverage) \(dark.method)")
    case .calibration(let calibration):
      var text = "calibration \(calibration.state) v\(calibration.version)"
      if let id = calibration.id { text += " \(id)" }
      if let rms = calibration.verificationRMS, let standard = calibration.verificationStandard {
        text += " \(standard) rms \(MeasurementText.rounded(rms)) cm-1"
      }
      if let reason = calibration.refusalReason { text += " refused: \(reason)" }
      parts.append(text)
    case .mapEnd(let end):
      parts.append("map \(end.mapID) \(end.state.rawValue) \(end.pointsDone)/\(end.pointsTotal)")
    case .other:
      break
    }
    return parts
  }

  private static func measured(_ quantity: Measured) -> String {
    MeasurementText.measured(
      quantity.value.map(JSONValue.double) ?? .null, sigma: quantity.sigma.map(JSONValue.double))
  }
}
