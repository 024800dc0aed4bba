import Foundation
import Monitor
import Testing
import WhitlockCore
import WhitlockCtlKit

@Suite struct SpectrumDecimatorTests {
  private let axis = AxisCalibration.linearEnergy(keVPerChannel: 0.01, offsetKeV: 0)

  @Test func keepsEveryNarrowPeakAndDipWithinTheLimit() {
    var counts = [UInt32](repeating: 100, count: 4096)
    counts[1234] = 50_000
    counts[3001] = 0
    let points = SpectrumDecimator.decimate(counts, axis: axis, maximumPoints: 256)
    #expect(points.counts.count <= 256)
    #expect(points.counts.max() == 50_000)
    #expect(points.counts.min() == 0)
    let peak = points.counts.firstIndex(of: 50_000)!
    #expect(abs(points.axis[peak] - 12.34) < 1e-9, "the peak keeps its own axis value")
    #expect(points.axis == points.axis.sorted(), "points stay in channel order")
  }

  @Test func shortSpectraPassUnchanged() {
    let counts: [UInt32] = [1, 5, 2]
    let points = SpectrumDecimator.decimate(counts, axis: axis)
    #expect(points.counts == counts)
    #expect(points.axis == [0, 0.01, 0.02])
  }
}

@Suite struct ServerSentEventParserTests {
  @Test func parsesEventsSplitAcrossChunksAndIgnoresComments() {
    var parser = ServerSentEventParser()
    let stream =
      "retry: 2000\n\n: comment\nid: 7\nevent: run\ndata: {\"a\":1}\n\nid: 8\r\ndata: x\r\ndata: y\r\n\r\n"
    var events: [ServerSentEvent] = []
    for byte in Array(stream.utf8) { events += parser.feed([byte]) }
    #expect(
      events == [
        ServerSentEvent(id: "7", event: "run", data: "{\"a\":1}"),
        ServerSentEvent(id: "8", event: "message", data: "x\ny"),
      ])
  }

  @Test func endpointsParse() {
    #expect(MonitorEndpoint("http://127.0.0.1:9464") == .tcp(host: "127.0.0.1", port: 9464))
    #expect(MonitorEndpoint("localhost:80/") == .tcp(host: "localhost", port: 80))
    #expect(MonitorEndpoint("[::1]:9464") == .tcp(host: "::1", port: 9464))
    #expect(MonitorEndpoint("unix:/run/w.sock") == .unixSocket(path: "/run/w.sock"))
    #expect(MonitorEndpoint("unix:relative") == nil)
    #expect(MonitorEndpoint("nohost") == nil)
  }

  @Test func sparklineKeepsPeaks() {
    let line = Sparkline.render([0, 0, 0, 10, 0, 0, 0, 0], width: 4)
    #expect(line == "▁█▁▁")
  }
}
