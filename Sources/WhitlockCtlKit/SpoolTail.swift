import Foundation
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

  /// One line describing a record.
  public static func describe(_ record: JSONValue, published: Bool = true) -> String {
    let time = record["time"]?.stringValue ?? "?"
    let seq = record["seq"].flatMap { $0.doubleValue }.map { String(Int64($0)) } ?? "?"
    let instrument = record["instrument"]?["id"]?.stringValue ?? "?"
    let type = record["type"]?.stringValue ?? "?"
    var parts = [time, "seq \(seq)", instrument, type]
    switch type {
    case "acquisition":
      if let deviceSeq = record["acquisition"]?["device_seq"]?.doubleValue {
        parts.append("#\(Int64(deviceSeq))")
      }
      if let point = record["simulation"]?["point_id"]?.stringValue {
        parts.append("point \(point)")
      }
      let detection = record["detection"]
      if let fraction = detection?["whitlockite_fraction"] {
        parts.append(
          "whitlockite_fraction "
            + MeasurementText.measured(fraction, sigma: detection?["whitlockite_fraction_sigma"]))
        if let truth = record["simulation"]?["whitlockite_fraction"]?.doubleValue {
          parts.append("(truth \(MeasurementText.rounded(truth)))")
        }
      }
      if let ratio = detection?["mg_ca_ratio"] {
        parts.append(
          "mg_ca_ratio " + MeasurementText.measured(ratio, sigma: detection?["mg_ca_ratio_sigma"]))
        if let truth = record["simulation"]?["mg_ca_molar"]?.doubleValue {
          parts.append("(truth \(MeasurementText.rounded(truth)))")
        }
      }
    case "run-start":
      if let run = record["run_id"]?.stringValue { parts.append("run \(run)") }
    case "run-end":
      if let summary = record["summary"] {
        let reason = summary["reason"]?.stringValue ?? "?"
        let spooled = summary["acquisitions_spooled"]?.doubleValue.map { Int64($0) } ?? 0
        let dropped = summary["acquisitions_dropped"]?.doubleValue.map { Int64($0) } ?? 0
        let interrupted = summary["acquisitions_interrupted"]?.doubleValue.map { Int64($0) } ?? 0
        parts.append(
          "reason \(reason) spooled \(spooled) dropped \(dropped) interrupted \(interrupted)")
      }
    default: break
    }
    if !published { parts.append("[not yet published]") }
    return parts.joined(separator: " ")
  }

}
