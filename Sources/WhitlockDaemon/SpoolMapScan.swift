import Foundation
import Mapping
import Records
import Spool
import WhitlockCore

/// What the spool says about maps at start-up: the plans without a `map-end` (interrupted by a
/// crash, a kill or a stop), the slots each already holds, and every map id used so far.
///
/// Reads the published segments (`new/`, then `cur/`, in sequence order); recovery has already
/// published what a killed daemon left in `tmp/`. Only lines that can matter are decoded: map
/// records and acquisitions carrying a `map` member.
struct SpoolMapScan: Sendable {
  /// Plans without a `map-end`, in spool order.
  var unfinished: [ScanPlan] = []
  /// Recorded slots per map id.
  var recorded: [String: Set<MapSlot>] = [:]
  /// Every map id the spool names.
  var usedIDs: Set<String> = []
  /// Lines that looked like map records but did not decode (file, line, problem).
  var problems: [String] = []

  /// Scans `layout`. Blocking file I/O: call it off the cooperative pool.
  static func scan(_ layout: SpoolLayout) -> SpoolMapScan {
    var result = SpoolMapScan()
    var records: [StoredRecord] = []
    var slots: [String: Set<MapSlot>] = [:]
    var names: [(directory: String, name: String)] = []
    for directory in [layout.new, layout.cur] {
      let listed = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      names += listed.filter { $0.hasSuffix(".ndjson") }.map { (directory, $0) }
    }
    // Segment names carry their first seq, zero-padded: sorting them is spool order.
    names.sort { $0.name < $1.name }
    for (directory, name) in names {
      let path = directory + "/" + name
      // Taken by a consumer meanwhile: its records are gone from this host.
      guard let data = FileManager.default.contents(atPath: path) else { continue }
      let bytes = [UInt8](data)
      var lineNumber = 0
      for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
        lineNumber += 1
        guard Self.mayConcernMaps(line) else { continue }
        let location = RecordLocation(file: path, line: lineNumber)
        guard let value = try? JSONParser.parse(line) else {
          result.problems.append("\(location): not JSON")
          continue
        }
        if value["type"]?.stringValue == "acquisition" {
          // Only the slot matters here; the rest of the record (its detection) is not read.
          if let (id, slot) = Self.slot(of: value) {
            slots[id, default: []].insert(slot)
          } else {
            result.problems.append("\(location): the map member is incomplete")
          }
          continue
        }
        do { records.append(try StoredRecord(value, at: location)) } catch {
          result.problems.append("\(error)")
        }
      }
    }
    for case .mapPlan(let plan) in records { result.usedIDs.insert(plan.plan.id) }
    result.unfinished = MapResume.unfinishedPlans(in: records)
    for plan in result.unfinished {
      let count = plan.grid.points.count
      let techniques = Set(plan.exposures.techniques)
      result.recorded[plan.id] = (slots[plan.id] ?? []).filter {
        $0.pointIndex < count && techniques.contains($0.technique) && $0.repeatIndex < plan.repeats
      }
    }
    return result
  }

  /// The map id and slot of an acquisition record: `map.map_id`, `map.grid_index`,
  /// `map.repeat` and the instrument's kind.
  private static func slot(of record: JSONValue) -> (String, MapSlot)? {
    guard let map = record["map"], let id = map["map_id"]?.stringValue,
      case .int(let index)? = map["grid_index"], index >= 0,
      case .int(let repeatIndex)? = map["repeat"], repeatIndex >= 0,
      let kindName = record["instrument"]?["kind"]?.stringValue,
      let kind = InstrumentKind(rawValue: kindName)
    else { return nil }
    return (id, MapSlot(pointIndex: Int(index), technique: kind, repeatIndex: Int(repeatIndex)))
  }

  private static let markers: [[UInt8]] = [
    Array(#""type":"map-plan""#.utf8), Array(#""type":"map-end""#.utf8), Array(#""map":{"#.utf8),
  ]

  /// Whether `line` holds a map record or an acquisition of a map (written compactly by
  /// `RecordEncoder`).
  private static func mayConcernMaps(_ line: ArraySlice<UInt8>) -> Bool {
    markers.contains { marker in Self.contains(line, marker) }
  }

  private static func contains(_ line: ArraySlice<UInt8>, _ marker: [UInt8]) -> Bool {
    guard line.count >= marker.count, let first = marker.first else { return false }
    var index = line.startIndex
    let last = line.endIndex - marker.count
    while index <= last {
      if line[index] == first && line[index..<index + marker.count].elementsEqual(marker) {
        return true
      }
      index += 1
    }
    return false
  }
}
