import Foundation
import Records
import Testing
import WhitlockCore
import WhitlockCtlKit
import WhitlockDaemon

/// The status document the daemon serves decodes into the typed model `whitlockctl status` and
/// dashboards read, so a renamed or retyped member fails here, not in a reader at run time.
@Suite struct StatusDocumentTests {
  @Test func theServedStatusDecodesAndRenders() async throws {
    let instrument = ScriptedInstrument(id: "r1", steps: [])
    let bench = try SessionBench(instrument: instrument)
    defer { bench.remove() }
    let running = Task { await bench.session.runSession() }
    #expect(
      await bench.recorder.wait { _ in
        ((try? DaemonStatus(bench.bridge.status()))?.instruments.first?.acquisitions ?? 0) >= 2
      })
    bench.runs.start(sampleID: "B-9", operatorName: "ana", pointID: "p1")

    let status = try DaemonStatus(bench.bridge.status())
    #expect(status.daemon.ready)
    #expect(status.run.sampleID == "B-9" && !status.run.automatic)
    #expect(status.instruments.map(\.id) == ["r1"])
    #expect(status.instruments.first?.acquisitions ?? 0 >= 2)
    #expect(status.spool.state == "writing" && status.spool.path == bench.directory)
    #expect(status.ship == nil)
    let text = StatusRendering.render(bench.bridge.status())
    #expect(text.hasPrefix("whitlockd: ready, up "), "\(text)")
    #expect(text.contains("sample B-9, point p1, operator ana"), "\(text)")
    #expect(text.contains("spool \(bench.directory): writing"), "\(text)")

    running.cancel()
    await running.value
    await bench.spool.pump.finish()
  }

  @Test func aStatusWithAMistypedMemberSaysWhich() throws {
    let value = try JSONParser.parse(#"{"daemon":{"started":"t","uptime_s":"long","ready":true}}"#)
    #expect(
      StatusRendering.render(value)
        == "whitlockd: the status document cannot be read (daemon.uptime_s: expected a number)")
  }
}
