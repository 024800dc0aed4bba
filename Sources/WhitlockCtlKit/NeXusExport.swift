import Foundation
import HDF5
import Records
import Spool
import WhitlockCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Exports spool records as a NeXus (HDF5) file, as synchrotron and neutron facilities keep data:
/// one `NXentry` per run (see `NeXusEntryWriter`), written incrementally so memory stays bounded
/// by one segment, a few batches of decoded records and one chunk per field, however many
/// spectra the run has. Records are read and decoded on a thread of their own
/// (`DecodedSpoolRecords`) while the calling thread writes and compresses HDF5.
///
/// The file is written under a temporary name (`.NAME.partial-PID`) in the output's directory and
/// renamed to its final name only when complete, so a partial file never carries the final name.
/// Lines of the spool that are not whole records (a torn last line, invalid JSON, an acquisition
/// missing a member) are reported with file and line and skipped, or with `strict` end the export.
public struct NeXusExport {
  /// What to export and where.
  public struct Options: Sendable {
    /// The spool and the sequence numbers to export.
    public var selection: RecordSelector
    /// Only this run, when given.
    public var runID: String?
    /// The output file.
    public var output: String
    /// Refuse spools with unreadable records instead of skipping them.
    public var strict = false
    /// Progress on stderr: nil shows it when stderr is a terminal.
    public var progress: Bool? = nil

    public init(selection: RecordSelector, runID: String? = nil, output: String) {
      self.selection = selection
      self.runID = runID
      self.output = output
    }
  }

  /// What was exported.
  public struct Summary: Sendable {
    /// Runs written (entries).
    public var runs: Int
    /// Maps written (entries of their own).
    public var maps: Int
    /// Spectra written.
    public var spectra: Int
    /// Lines skipped, with their file and line.
    public var skipped: [SpoolRecordStream.Problem]
    /// Wall-clock seconds.
    public var seconds: Double
  }

  /// Why an export failed; nothing was left under the output's name.
  public struct Failure: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
  }

  /// Runs the export. `warning` receives each skipped line as it is found.
  public static func run(_ options: Options, warning: (String) -> Void = { _ in }) throws(Failure)
    -> Summary
  {
    let stream: SpoolRecordStream
    do { stream = try SpoolRecordStream(layout: SpoolLayout(root: options.selection.spool)) } catch
    {
      throw Failure(error.description)
    }
    let temporary = try TemporaryOutput(finalPath: options.output)
    do {
      let summary = try write(options, stream: stream, to: temporary.path, warning: warning)
      try temporary.commit()
      return summary
    } catch {
      temporary.discard()
      throw error
    }
  }

  private static func write(
    _ options: Options, stream: SpoolRecordStream, to path: String, warning: (String) -> Void
  ) throws(Failure) -> Summary {
    let progress = ExportProgress(enabled: options.progress)
    defer { progress.finish() }
    var skipped: [SpoolRecordStream.Problem] = []
    var entries: [String: NeXusEntryWriter] = [:]
    var order: [NeXusEntryWriter] = []
    var entryNames: Set<String> = []
    var maps: [String: NeXusMapWriter] = [:]
    var mapOrder: [NeXusMapWriter] = []
    var plansMissing: Set<String> = []
    var runsSeen: [String] = []
    var spectra = 0
    var segmentsDone = 0
    do throws(any Error) {
      let file = try HDF5File.create(path: path)
      let root = try file.root()
      try root.setAttribute("NX_class", "NXroot")
      try root.setAttribute(
        "file_name", URL(fileURLWithPath: options.output).lastPathComponent)
      try root.setAttribute("file_time", UTCTimestamp.string(from: Date()))
      try root.setAttribute("creator", "whitlockctl export --format nexus")
      try root.setAttribute("HDF5_Version", HDF5Version.text)
      func entry(for runID: String) throws(HDF5Error) -> NeXusEntryWriter {
        if let existing = entries[runID] { return existing }
        let name = NeXusName.unique("run_" + NeXusName.make(runID), taken: entryNames)
        entryNames.insert(name)
        let writer = try NeXusEntryWriter(root: root, name: name, runID: runID)
        entries[runID] = writer
        order.append(writer)
        return writer
      }
      func skip(_ problem: SpoolRecordStream.Problem) throws {
        if options.strict {
          throw Failure("\(options.selection.spool)/\(problem) (--strict: nothing written)")
        }
        skipped.append(problem)
        warning("\(options.selection.spool)/\(problem); skipped")
      }
      func take(_ record: StoredRecord, file: String, line: Int) throws {
        let runID = record.header.runID
        if !runsSeen.contains(runID) { runsSeen.append(runID) }
        if let wanted = options.runID, wanted != runID { return }
        switch record {
        case .acquisition(let acquisition):
          try entry(for: runID).append(acquisition)
          if let point = acquisition.map {
            if let map = maps[point.mapID] {
              try map.append(acquisition, point: point)
            } else if plansMissing.insert(point.mapID).inserted {
              warning(
                "\(options.selection.spool)/\(file):\(line): map \(point.mapID) has no "
                  + "map-plan record in the selection; its spectra are exported by run only")
            }
          }
          spectra += 1
          progress.update(spectra: spectra, segments: segmentsDone, total: stream.segments.count)
        case .runStart(let start):
          try entry(for: runID).runStart(start)
        case .runEnd(let end):
          try entry(for: runID).runEnd(end)
        case .mapPlan(let plan):
          guard maps[plan.plan.id] == nil else { break }  // a resumed map repeats its plan
          let name = NeXusName.unique("map_" + NeXusName.make(plan.plan.id), taken: entryNames)
          entryNames.insert(name)
          let writer = try NeXusMapWriter(root: root, name: name, record: plan)
          maps[plan.plan.id] = writer
          mapOrder.append(writer)
        case .mapEnd:
          break  // the map entry holds what was measured; its end state is in the spool
        case .calibration:
          break  // the spectra analysed on a calibration name it
        case .dark:
          break  // a dark's effect is in the spectra that subtracted it, which name it
        case .other(let header, _):
          try skip(.init(file: file, line: line, reason: "unknown record type \(header.type)"))
        }
      }
      // Records are read and decoded on a thread of their own while this one writes HDF5.
      let records = DecodedSpoolRecords(stream: stream, sequences: options.selection.sequences)
      defer { records.stop() }
      while let batch = records.next() {
        for item in batch {
          switch item {
          case .record(let record, let file, let line):
            try take(record, file: file, line: line)
          case .problem(let problem):
            try skip(problem)
          case .segmentsDone(let count):
            segmentsDone = count
            progress.update(spectra: spectra, segments: count, total: stream.segments.count)
          }
        }
      }
      if let wanted = options.runID, entries[wanted] == nil {
        let known = runsSeen.isEmpty ? "none" : runsSeen.joined(separator: ", ")
        throw Failure(
          "run \(wanted) is not in \(describe(options.selection)) (runs there: \(known))")
      }
      guard !order.isEmpty else {
        throw Failure("no records in \(describe(options.selection))")
      }
      for writer in order { try writer.finish() }
      for map in mapOrder {
        try map.finish()
        if map.mismatched > 0 {
          warning(
            "map \(map.plan.id): \(map.mismatched) acquisition(s) off its grid or unlike its "
              + "first spectrum left out of the map (they are in their run's entry)")
        }
      }
      // A map opens as a picture; otherwise the first run with spectra.
      let preferred =
        mapOrder.first?.name ?? (order.first { $0.defaultData != nil } ?? order[0]).name
      try root.setAttribute("default", preferred)
      try root.setAttribute("skipped_records", Int64(skipped.count))
      if !skipped.isEmpty {
        try root.setAttribute("skipped_lines", skipped.prefix(100).map(\.description))
      }
      try file.close()
    } catch let failure as Failure {
      throw failure
    } catch let error as HDF5Error {
      throw Failure("cannot write \(options.output): \(error.description)")
    } catch {
      throw Failure("cannot write \(options.output): \(error)")
    }
    return Summary(
      runs: order.count, maps: mapOrder.count, spectra: spectra, skipped: skipped,
      seconds: progress.elapsed)
  }

  private static func describe(_ selection: RecordSelector) -> String {
    guard let range = selection.sequences else { return selection.spool }
    return "\(selection.spool):\(range.lowerBound)-\(range.upperBound)"
  }
}
