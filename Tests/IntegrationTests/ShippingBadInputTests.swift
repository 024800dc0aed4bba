import Foundation
import Spool
import TestSupport
import Testing

/// Bad input to the shipper: a malformed segment is quarantined with a clear error while the
/// rest ships; a wrong password gives one clear error and back-off instead of a crash loop; an
/// invalid URL is refused at once.
@Suite("Shipping to PostgreSQL: bad input", .serialized, .processHeavy)
struct ShippingBadInputTests {
  @Test("a malformed line is quarantined alone with the line and reason; the rest ships")
  func malformedSegmentIsQuarantined() async throws {
    let postgres = try await PostgresServer()
    let directory = try ShippingFixture.scratchDirectory("ship-bad")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    let good = try ShippingFixture.makeSpool(spool, segments: 3)
    // Between the good segments by name: a truncated record on its second line.
    let first = ShippingFixture.segments(spool, "new")[0]
    let lines = try String(contentsOfFile: spool + "/new/" + first, encoding: .utf8)
      .split(separator: "\n")
    let bad = "seg-0000000000000003.ndjson"
    try (lines[0] + "\n" + lines[1].prefix(40) + "\n").write(
      toFile: spool + "/new/" + bad, atomically: true, encoding: .utf8)

    let result = try await ShippingFixture.drain(spool: spool, postgres: postgres)
    #expect(result.status == 0, "\(result.standardError)")
    // Line 1 is a copy of a stored record (already present); line 2 alone is set aside.
    #expect(
      result.standardError.contains(
        "1 record(s) of the segment cannot be shipped and were quarantined; the others "
          + "shipped: \(bad) line 2: invalid JSON"))
    #expect(ShippingFixture.segments(spool, "new").isEmpty)
    let quarantined = try FileManager.default.contentsOfDirectory(atPath: spool + "/quarantine")
    #expect(Set(quarantined) == [bad + ".rejected", bad + ".rejected.reason"])
    #expect(
      try String(contentsOfFile: spool + "/quarantine/" + bad + ".rejected", encoding: .utf8)
        == lines[1].prefix(40) + "\n")
    let reason = try String(
      contentsOfFile: spool + "/quarantine/" + bad + ".rejected.reason", encoding: .utf8)
    #expect(reason.hasPrefix("\(bad) line 2: invalid JSON"))
    #expect(try await ShippingFixture.databaseTally(postgres).first == good)

    // A segment with no shippable record at all is still quarantined whole.
    let empty = "seg-0000000000000099.ndjson"
    try (lines[1].prefix(40) + "\n").write(
      toFile: spool + "/new/" + empty, atomically: true, encoding: .utf8)
    let again = try await ShippingFixture.drain(spool: spool, postgres: postgres)
    #expect(again.status == 0, "\(again.standardError)")
    #expect(again.standardError.contains("segment cannot be shipped and was quarantined: line 1:"))
    #expect(
      FileManager.default.fileExists(atPath: spool + "/quarantine/" + empty + ".unshippable"))
    await postgres.stop()
  }

  @Test("a symbolic link to /dev/zero and a FIFO in new/ are quarantined by name; the rest ships")
  func linksAndFIFOsAreQuarantinedUnread() async throws {
    let postgres = try await PostgresServer()
    let directory = try ShippingFixture.scratchDirectory("ship-special")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    let good = try ShippingFixture.makeSpool(spool, segments: 2)
    let link = "seg-0000000000000003.ndjson"
    let fifo = "seg-9999999999999999.ndjson"
    try FileManager.default.createSymbolicLink(
      atPath: spool + "/new/" + link, withDestinationPath: "/dev/zero")
    #expect(mkfifo(spool + "/new/" + fifo, 0o644) == 0)

    // Reading either would never end (the link) or never start (the FIFO).
    let result = try await ShippingFixture.drain(spool: spool, postgres: postgres)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardError.contains("\(link) is a symbolic link; not followed"))
    #expect(result.standardError.contains("\(fifo) is not a regular file (a FIFO)"))
    #expect(ShippingFixture.segments(spool, "new").isEmpty)
    let quarantined = Set(
      try FileManager.default.contentsOfDirectory(atPath: spool + "/quarantine"))
    #expect(quarantined.isSuperset(of: [link + ".unshippable", fifo + ".unshippable"]))
    #expect(try await ShippingFixture.databaseTally(postgres).first == good)
    await postgres.stop()
  }

  @Test("a wrong password gives one clear error and back-off, and nothing leaves new/")
  func wrongPasswordBacksOff() async throws {
    let postgres = try await PostgresServer()
    let directory = try ShippingFixture.scratchDirectory("ship-auth")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    _ = try ShippingFixture.makeSpool(spool, segments: 2)
    let wrong = directory + "/wrong-password"
    try "not-the-password\n".write(toFile: wrong, atomically: false, encoding: .utf8)
    chmod(wrong, 0o600)
    let shipper = try ShippingFixture.startShipper(
      spool: spool, postgres: postgres, passwordFile: wrong, extra: ["--log-level", "debug"])
    // Debug logging shows each attempt; wait for several, then check it kept one error line.
    let (retried, errors) = await ShippingFixture.errorsWhileRetrying(
      shipper, attempt: "password authentication failed")
    #expect(retried)
    #expect(shipper.isRunning, "the shipper keeps retrying instead of exiting")
    #expect(errors.count == 1, "\(errors)")
    #expect(errors.first?.contains("password authentication failed for user \"whitlock\"") == true)
    #expect(ShippingFixture.segments(spool, "new").count == 2)
    shipper.send(SIGTERM)
    #expect(await shipper.waitForExit(upTo: .seconds(30)) == 0)
    await postgres.stop()
  }

  @Test("an invalid URL is refused at once with what to write instead")
  func invalidURLIsRefused() async throws {
    let directory = try ShippingFixture.scratchDirectory("ship-url")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try SpoolLayout(root: directory + "/spool").create()
    let result = try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlockctl")),
      [
        "ship", "--postgres", "postgres://whitlock@db/lab?sslmod=require", "--spool",
        directory + "/spool",
      ])
    #expect(result.status == 64)
    #expect(result.standardError.contains("unknown URL parameter \"sslmod\""))
  }
}
