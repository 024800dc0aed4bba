import Foundation
import Spool
import WhitlockCore

/// Reads every record of a spool in sequence order, one segment in memory at a time, so a spool
/// of any length can be walked in bounded memory. Segments come from `new/`, `cur/` and the open
/// segment in `tmp/` (a running daemon's newest records), ordered by their first sequence number.
///
/// Lines that are not whole records (a torn final line without its newline, invalid JSON, no
/// positive `seq`, a `seq` that does not increase) are not records: each is reported to
/// `problem` with its file and line, and skipped.
public struct SpoolRecordStream: Sendable {
  /// One record and where it was read.
  public struct Entry: Sendable {
    /// The record's sequence number.
    public var seq: UInt64
    /// The record.
    public var record: JSONValue
    /// The segment's path relative to the spool.
    public var file: String
    /// The line number in the segment, from 1.
    public var line: Int
  }

  /// A line that is not a record.
  public struct Problem: Sendable, CustomStringConvertible {
    /// The segment's path relative to the spool.
    public var file: String
    /// The line number, from 1.
    public var line: Int
    /// What is wrong.
    public var reason: String
    public var description: String { "\(file):\(line): \(reason)" }
  }

  /// The spool.
  public let layout: SpoolLayout
  /// The segments to read, oldest first: relative name, path and first sequence number.
  public let segments: [(file: String, path: String, firstSeq: UInt64)]

  /// Lists the segments of the spool at `layout`; fails when it is not a spool.
  public init(layout: SpoolLayout) throws(SpectrumInputError) {
    self.layout = layout
    guard FileManager.default.fileExists(atPath: layout.new) else {
      throw SpectrumInputError("\(layout.root) is not a whitlockd spool: it has no new/ directory")
    }
    var found: [(file: String, path: String, firstSeq: UInt64)] = []
    for (directory, label) in [(layout.new, "new"), (layout.cur, "cur"), (layout.tmp, "tmp")] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      for name in names where name.hasPrefix("seg-") && name.hasSuffix(".ndjson") {
        let digits = name.dropFirst(4).dropLast(7)
        found.append((label + "/" + name, directory + "/" + name, UInt64(digits) ?? 0))
      }
    }
    segments = found.sorted { ($0.firstSeq, $0.file) < ($1.firstSeq, $1.file) }
  }

  /// Calls `body` for each record with a sequence number in `sequences` (all when nil), in
  /// sequence order; `progress` after each segment with the number of segments done.
  public func forEach(
    in sequences: ClosedRange<UInt64>? = nil, problem: (Problem) throws -> Void,
    progress: (Int) -> Void = { _ in }, _ body: (Entry) throws -> Void
  ) throws {
    var last: UInt64 = 0
    for (index, segment) in segments.enumerated() {
      defer { progress(index + 1) }
      if let sequences {
        if segment.firstSeq > sequences.upperBound { break }
        if index + 1 < segments.count, segments[index + 1].firstSeq <= sequences.lowerBound {
          continue
        }
      }
      guard let contents = FileManager.default.contents(atPath: segment.path) else {
        try problem(Problem(file: segment.file, line: 0, reason: "cannot be read"))
        continue
      }
      // Scanned and parsed as an array: searching and slicing `Data` byte by byte costs a
      // dynamic exclusivity check per byte, which took half the export's time.
      let data = [UInt8](contents)
      var lineNumber = 0
      var start = data.startIndex
      while start < data.endIndex {
        lineNumber += 1
        guard let newline = data[start...].firstIndex(of: 0x0A) else {
          try problem(
            Problem(
              file: segment.file, line: lineNumber,
              reason: "torn record: \(data.endIndex - start) bytes without a newline"))
          break
        }
        let bytes = data[start..<newline]
        start = newline + 1
        if bytes.isEmpty { continue }
        let record: JSONValue
        do { record = try JSONParser.parse(bytes) } catch {
          try problem(Problem(file: segment.file, line: lineNumber, reason: "\(error)"))
          continue
        }
        guard case .int(let raw)? = record["seq"], raw > 0 else {
          try problem(
            Problem(file: segment.file, line: lineNumber, reason: "no positive integer seq"))
          continue
        }
        let seq = UInt64(raw)
        guard seq > last else {
          try problem(
            Problem(
              file: segment.file, line: lineNumber,
              reason: "seq \(seq) does not increase (previous \(last)); duplicate skipped"))
          continue
        }
        last = seq
        if let sequences, !sequences.contains(seq) { continue }
        try body(Entry(seq: seq, record: record, file: segment.file, line: lineNumber))
      }
    }
  }
}
