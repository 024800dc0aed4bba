import Foundation
import Testing

@testable import Spool

/// `.seq-floor`: the highest seq a database holds for the spool, which the allocator never goes
/// back to, at start or while running, whatever `.seq` says.
@Suite("Sequence floor")
struct SequenceFloorTests {
  @Test("a restarted allocator continues above the floor even without .seq")
  func startHonoursFloor() throws {
    let spool = try TemporarySpool()
    try SequenceAllocator.raiseFloor(spool.layout, to: 25_000)
    #expect(!FileManager.default.fileExists(atPath: spool.layout.sequenceFile))
    var allocator = try SequenceAllocator(layout: spool.layout, atLeast: 1)
    #expect(try allocator.take() == 25_001)
    // The jump is reserved durably like any other number.
    let reserved = try String(contentsOfFile: spool.layout.sequenceFile, encoding: .utf8)
    #expect(UInt64(reserved.trimmingCharacters(in: .whitespacesAndNewlines))! > 25_001)
  }

  @Test("a running allocator moves above a floor raised while it runs")
  func runningAllocatorHonoursRaisedFloor() throws {
    let spool = try TemporarySpool()
    var allocator = try SequenceAllocator(layout: spool.layout, atLeast: 1)
    #expect(try allocator.take() == 1)
    #expect(try allocator.take() == 2)
    try SequenceAllocator.raiseFloor(spool.layout, to: 70_000)
    #expect(try allocator.take() == 70_001)
    #expect(try allocator.take() == 70_002)
    // A floor below the numbers already handed out changes nothing.
    try? FileManager.default.removeItem(atPath: SequenceAllocator.floorFile(spool.layout))
    try SequenceAllocator.raiseFloor(spool.layout, to: 10)
    #expect(try allocator.take() == 70_003)
  }

  @Test("the floor only rises, and is replaced, not followed, when it is a link")
  func floorOnlyRises() throws {
    let spool = try TemporarySpool()
    #expect(try SequenceAllocator.readFloor(spool.layout) == nil)
    #expect(try SequenceAllocator.raiseFloor(spool.layout, to: 200))
    #expect(try !SequenceAllocator.raiseFloor(spool.layout, to: 100))
    #expect(try SequenceAllocator.readFloor(spool.layout) == 200)
    let path = SequenceAllocator.floorFile(spool.layout)
    let target = spool.layout.root + "/elsewhere"
    try "7\n".write(toFile: target, atomically: false, encoding: .utf8)
    try FileManager.default.removeItem(atPath: path)
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    #expect(throws: SpoolError.self) { try SequenceAllocator.readFloor(spool.layout) }
    #expect(try SequenceAllocator.raiseFloor(spool.layout, to: 300))
    #expect(try SequenceAllocator.readFloor(spool.layout) == 300)
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "7\n")
  }
}
