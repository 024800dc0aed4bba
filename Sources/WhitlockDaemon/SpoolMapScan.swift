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
        do {
          records.append(
            try StoredRecord(line: line, at: RecordLocation(file: path, line: lineNumber)))
        } catch {
          result.problems.append("\(error)")
        }
      }
    }
    for case .mapPlan(let plan) in records { result.usedIDs.insert(plan.plan.id) }
    result.unfinished = MapResume.unfinishedPlans(in: records)
    for plan in result.unfinished {
      result.recorded[plan.id] = MapResume.recordedSlots(of: plan, in: records)
    }
    return result
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
