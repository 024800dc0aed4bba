import Foundation
import Monitor
import Records
import Testing
import WhitlockCore
import WhitlockCtlKit
import WhitlockDaemon

/// The live events the daemon publishes decode into the typed models `whitlockctl watch` reads,
/// and the watch screen shows what they carry.
@Suite struct LiveEventDocumentTests {
  @Test func publishedEventsDecodeAndReachTheWatchScreen() async throws {
    let instrument = ScriptedInstrument(id: "r1", steps: [])
    let bench = try SessionBench(instrument: instrument)
    defer { bench.remove() }
    let running = Task { await bench.session.runSession() }
    #expect(await bench.recorder.wait { _ in bench.hub.counters.published >= 4 })
    bench.runs.start(sampleID: "B-12", operatorName: nil, pointID: "p7")
    running.cancel()
    await running.value
    await bench.spool.pump.finish()

    var parser = ServerSentEventParser()
    var view = LiveView()
    var kinds: Set<String> = []
    for event in bench.hub.subscribe(lastEventID: 0).replay {
      for parsed in parser.feed(event.serverSentEvent) {
        let decoded = try LiveEventData(
          event: parsed.event, data: try JSONParser.parse(parsed.data))
        #expect(decoded != nil, "\(parsed.event) is a known event")
        kinds.insert(parsed.event)
        view.apply(parsed, now: 1)
      }
    }
    #expect(kinds.isSuperset(of: ["run", "instrument", "acquisition"]), "\(kinds)")
    #expect(view.unreadable == 0)
    #expect(view.acquisitions >= 1)
    let screen = view.render(now: 1)
    #expect(screen.contains("sample B-12 point p7"), "\(screen)")
    #expect(screen.contains("r1 [raman, "), "\(screen)")
  }
}
