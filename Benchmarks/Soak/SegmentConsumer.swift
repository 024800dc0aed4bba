import Foundation
import Synchronization

/// A downstream program: takes every published segment from `new/`, reads its records, checks
/// that `seq` only ever increases, and deletes the segment, so an hour of spectra does not fill the
/// disk.
final class SegmentConsumer: Sendable {
  struct Counts {
    var segments = 0
    var records = 0
    var acquisitions = 0
    var bytes = 0
    var firstSeq: UInt64 = 0
    var lastSeq: UInt64 = 0
    /// Records whose `seq` is not above the one before (a repeat or a step back).
    var seqRegressions = 0
    /// Lines without a readable `seq` (torn or foreign).
    var unreadable = 0
  }

  private let directory: String
  private let counts = Mutex(Counts())
  private let stopped = Atomic<Bool>(false)

  init(spool: String) { directory = spool + "/new" }

  /// Polls `new/` every 0.5 s on a thread of its own until `stop()`.
  func start() {
    Thread.detachNewThread { [self] in
      while !stopped.load(ordering: .relaxed) {
        sweep()
        Thread.sleep(forTimeInterval: 0.5)
      }
    }
  }

  func stop() { stopped.store(true, ordering: .relaxed) }

  var snapshot: Counts { counts.withLock { $0 } }

  /// Takes every segment `new/` holds now, oldest (lowest first seq) first.
  func sweep() {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    for name in names.sorted() where name.hasSuffix(".ndjson") {
      let path = directory + "/" + name
      guard let data = FileManager.default.contents(atPath: path) else { continue }
      var segment = Counts()
      data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
        var start = 0
        while start < bytes.count {
          var end = start
          while end < bytes.count && bytes[end] != 0x0A { end += 1 }
          if end > start {
            Self.read(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), into: &segment)
          }
          start = end + 1
        }
      }
      unlink(path)
      counts.withLock { total in
        total.segments += 1
        total.records += segment.records
        total.acquisitions += segment.acquisitions
        total.bytes += data.count
        total.unreadable += segment.unreadable
        // The segment's own order was checked against its first record; join it to the previous.
        if segment.records > 0 {
          if total.lastSeq != 0 && segment.firstSeq <= total.lastSeq { total.seqRegressions += 1 }
          total.lastSeq = segment.lastSeq
        }
        total.seqRegressions += segment.seqRegressions
      }
    }
  }

  /// Reads `type` and `seq` from the head of one record line (the encoder writes them first).
  private static func read(_ line: UnsafeRawBufferPointer, into segment: inout Counts) {
    let head = String(decoding: line.prefix(160), as: UTF8.self)
    guard let key = head.range(of: "\"seq\":"),
      let seq = UInt64(head[key.upperBound...].prefix { $0.isNumber })
    else {
      segment.unreadable += 1
      return
    }
    if segment.records > 0 && seq <= segment.lastSeq { segment.seqRegressions += 1 }
    if segment.records == 0 { segment.firstSeq = seq }
    segment.lastSeq = seq
    segment.records += 1
    if head.contains("\"type\":\"acquisition\"") { segment.acquisitions += 1 }
  }
}
