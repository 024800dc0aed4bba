import Foundation
import Spool
import TestSupport
import Testing
import WhitlockCore

/// A writer killed with SIGKILL at random moments, again and again, never leaves a torn record or a
/// repeated sequence number in `new/`, and never loses a record whose append had returned.
/// `make test` kills it 8 times, `make faults` 30 times (`Repetitions`).
@Suite(.processHeavy) struct SpoolCrashConsistencyTests {
  @Test func randomKillsLeaveNothingTornAndLoseNothing() async throws {
    let writer = try ProductsDirectory.executable("SpoolCrashWriter")
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockd-crash-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    let layout = SpoolLayout(root: root)
    var acknowledged: [UInt64] = []
    var generator = SystemRandomNumberGenerator()
    let cycles = Repetitions.count(quick: 8, full: 30)
    let checkEvery = Repetitions.isFull ? 10 : 4
    for cycle in 0..<cycles {
      let child = try ChildProcess(writer, [root, "256"])
      let before = acknowledged.count
      // Let it make progress (an acknowledged record), then kill it at a random later moment.
      let progressed = await child.wait(upTo: .seconds(30)) {
        $0.standardOutput.split(separator: "\n").count >= 1 || !$0.isRunning
      }
      #expect(progressed, "cycle \(cycle): writer made no progress: \(child.standardError)")
      try await Task.sleep(for: .milliseconds(Int.random(in: 0...120, using: &generator)))
      child.send(SIGKILL)
      _ = await child.waitForExit(upTo: .seconds(30))
      #expect(child.terminationReason == .uncaughtSignal, "cycle \(cycle): \(child.standardError)")
      // Only complete lines were acknowledged; a partial last line was cut by the kill.
      let output = child.standardOutput
      let lines = output.split(separator: "\n", omittingEmptySubsequences: true)
      let complete = output.hasSuffix("\n") ? lines : lines.dropLast()
      acknowledged.append(contentsOf: complete.compactMap { UInt64($0) })
      #expect(acknowledged.count > before)

      // Torn segments and repeated seq would stay in new/, so checking every few cycles and at the
      // end finds them all while keeping the test fast.
      if cycle % checkEvery == checkEvery - 1 {
        let report = try await offPool { try SpoolVerifier.verify(layout) }
        #expect(report.problems.isEmpty, "cycle \(cycle): \(report.problems)")
        #expect(report.duplicateSequences.isEmpty, "cycle \(cycle)")
      }
    }
    let beforeRecovery = try await offPool { try SpoolVerifier.verify(layout) }
    #expect(beforeRecovery.problems.isEmpty && beforeRecovery.duplicateSequences.isEmpty)
    let recovery = try await offPool { try SpoolRecovery.run(layout) }
    let report = try await offPool { try SpoolVerifier.verify(layout) }
    #expect(report.isClean, "\(report.problems) \(report.temporaryLeftovers)")
    #expect(recovery.highestSequence >= acknowledged.max() ?? 0)

    var stored = Set<UInt64>()
    for name in try FileManager.default.contentsOfDirectory(atPath: layout.new) {
      let text = try String(contentsOfFile: layout.new + "/" + name, encoding: .utf8)
      for line in text.split(separator: "\n") {
        guard case .int(let seq)? = try JSONParser.parse(String(line))["seq"] else { continue }
        #expect(stored.insert(UInt64(seq)).inserted, "seq \(seq) stored twice")
      }
    }
    let lost = acknowledged.filter { !stored.contains($0) }
    #expect(lost.isEmpty, "acknowledged but not in the spool: \(lost.prefix(10))")
    #expect(acknowledged == acknowledged.sorted() && Set(acknowledged).count == acknowledged.count)
  }
}
