import Foundation
import Spool
import Testing

@Suite("Spool identity and consumer")
struct SpoolIdentityTests {
  @Test("the identity is made once, kept across loads, and never replaced")
  func identityIsDurable() throws {
    let spool = try TemporarySpool()
    #expect(try SpoolIdentity.load(spool.layout) == nil)
    let made = try SpoolIdentity.loadOrCreate(spool.layout)
    #expect(SpoolIdentity(uuid: made.uuid) == made)
    #expect(try SpoolIdentity.loadOrCreate(spool.layout) == made)
    let text = try String(contentsOfFile: spool.layout.identityFile, encoding: .utf8)
    #expect(text == made.uuid + "\n")
    // No temporary file is left behind.
    let root = try FileManager.default.contentsOfDirectory(atPath: spool.layout.root)
    #expect(root.filter { $0.hasPrefix(".spool-id.") }.isEmpty)
  }

  @Test("a damaged identity file is an error that says not to delete it")
  func damagedIdentityIsRefused() throws {
    let spool = try TemporarySpool()
    try "not-a-uuid\n".write(toFile: spool.layout.identityFile, atomically: true, encoding: .utf8)
    #expect {
      try SpoolIdentity.loadOrCreate(spool.layout)
    } throws: { error in
      "\(error)".contains("does not hold a spool id")
        && "\(error)".contains("instead of deleting it")
    }
  }

  @Test(
    "canonical UUIDs only",
    arguments: [
      ("c7c0c236-5d49-494a-aa74-651c2a37b899", true),
      ("C7C0C236-5D49-494A-AA74-651C2A37B899", false),
      ("c7c0c2365d49494aaa74651c2a37b899", false),
      ("c7c0c236-5d49-494a-aa74-651c2a37b89", false),
    ])
  func canonicalForm(text: String, valid: Bool) {
    #expect((SpoolIdentity(uuid: text) != nil) == valid)
  }

  @Test("a consumer moves, deletes and quarantines, and tolerates a segment already taken")
  func consumerOperations() throws {
    let spool = try TemporarySpool()
    let consumer = SpoolConsumer(layout: spool.layout)
    for name in [
      "seg-0000000000000001.ndjson", "seg-0000000000000002.ndjson", "seg-0000000000000003.ndjson",
    ] {
      try "{}\n".write(toFile: spool.layout.new + "/" + name, atomically: true, encoding: .utf8)
    }
    try "x".write(toFile: spool.layout.new + "/notes.txt", atomically: true, encoding: .utf8)
    #expect(
      try consumer.pending().map(\.name) == [
        "seg-0000000000000001.ndjson", "seg-0000000000000002.ndjson", "seg-0000000000000003.ndjson",
      ])
    #expect(try consumer.pending().first?.bytes == 3)
    #expect(try consumer.finish("seg-0000000000000001.ndjson", disposal: .move) == .done)
    #expect(try consumer.finish("seg-0000000000000001.ndjson", disposal: .move) == .alreadyTaken)
    #expect(try consumer.read("seg-0000000000000001.ndjson") == nil)
    #expect(try spool.names(in: spool.layout.cur) == ["seg-0000000000000001.ndjson"])
    #expect(try consumer.finish("seg-0000000000000002.ndjson", disposal: .delete) == .done)
    #expect(try consumer.finish("seg-0000000000000002.ndjson", disposal: .delete) == .alreadyTaken)
    let moved = try consumer.quarantine("seg-0000000000000003.ndjson", reason: "line 1: bad")
    #expect(moved == "seg-0000000000000003.ndjson.unshippable")
    #expect(
      try String(
        contentsOfFile: spool.layout.quarantine + "/" + moved! + ".reason", encoding: .utf8)
        == "line 1: bad\n")
    #expect(try consumer.quarantine("seg-0000000000000003.ndjson", reason: "again") == nil)
    #expect(try consumer.pending().isEmpty)
  }

  @Test("reading into a reused buffer gives each segment's bytes, longer or shorter")
  func readIntoReusedBuffer() throws {
    let spool = try TemporarySpool()
    let consumer = SpoolConsumer(layout: spool.layout)
    let long = String(repeating: "{\"seq\":1}\n", count: 10_000)
    try long.write(toFile: spool.layout.new + "/a.ndjson", atomically: true, encoding: .utf8)
    try "{}\n".write(toFile: spool.layout.new + "/b.ndjson", atomically: true, encoding: .utf8)
    var buffer: [UInt8] = []
    #expect(try consumer.read("a.ndjson", into: &buffer))
    #expect(buffer == Array(long.utf8))
    #expect(try consumer.read("b.ndjson", into: &buffer))
    #expect(buffer == Array("{}\n".utf8))
    #expect(try consumer.read("a.ndjson", into: &buffer))
    #expect(buffer == Array(long.utf8))
    #expect(try !consumer.read("gone.ndjson", into: &buffer))
  }
}
