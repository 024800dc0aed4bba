import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Monitor
import ServiceLifecycle
import ServiceLifecycleTestKit
import Spool
import Testing
import WhitlockCore
import WhitlockDaemon

/// The instrument session's state machine in process, over a scripted instrument, a real spool,
/// health and the monitor bridge: what the daemon binary shows only through its log and HTTP.
@Suite struct InstrumentSessionTests {
  /// The instrument events the live hub has published so far, oldest first.
  private func instrumentStates(_ hub: LiveHub) -> [String] {
    hub.subscribe(lastEventID: 0).replay.filter { $0.kind == .instrument }.compactMap {
      (try? JSONParser.parse($0.data))?["state"]?.stringValue
    }
  }

  @Test func deviceLostMidExposureIsInterruptedAndTheSessionReturnsWhenTheDeviceDoes() async throws
  {
    let instrument = ScriptedInstrument(id: "r1", steps: [.spectrum, .hangUntilCancelled])
    let bench = try SessionBench(instrument: instrument)
    defer { bench.remove() }
    let running = Task { await bench.session.runSession() }

    // The second exposure is in flight when the device is unplugged.
    #expect(await bench.recorder.wait { $0.filter(\.isAcquisitionStarted).count >= 2 })
    #expect(bench.bridge.notReadyReason() == nil)
    #expect(bench.instrumentHealth?.acquiringSince != nil)
    bench.presence.signal(.removed)
    #expect(await bench.recorder.wait { $0.contains(where: \.isDeviceRemoval) })

    #expect(bench.session.summary.acquisitionsInterrupted == 1)
    #expect(bench.session.summary.acquisitionsCompleted == 1)
    #expect(bench.instrumentHealth?.state == .waitingForDevice)
    #expect(bench.instrumentHealth?.acquiringSince == nil, "no exposure counts as in flight")
    #expect(bench.bridge.notReadyReason() == "no instrument is open")
    #expect(instrumentStates(bench.hub).last == "waiting-for-device")
    let openedBefore = bench.recorder.count(\.isOpened)

    // The device comes back: the session reopens it at once (not after its back-off) and acquires.
    bench.presence.signal(.arrived)
    #expect(
      await bench.recorder.wait { events in
        events.filter(\.isOpened).count > openedBefore
          && events.drop { !$0.isDeviceRemoval }.contains(where: \.isAcquired)
      })
    #expect(instrument.opens == 2)
    #expect(bench.instrumentHealth?.state == .acquiring)
    #expect(bench.bridge.notReadyReason() == nil)
    #expect(instrumentStates(bench.hub).suffix(2) == ["opening", "open"])

    running.cancel()
    await running.value
    await bench.spool.pump.finish()
  }

  @Test func aRemovalReportedAfterTheFailedTransferDoesNotEndTheReopenedDevicesAcquisition()
    async throws
  {
    // The transfer fails first; udev's removal of the same unplug arrives while the session is
    // reopening the device. It was counted with the failure and must not count again.
    let instrument = ScriptedInstrument(id: "r1", steps: [.spectrum, .failDisconnected])
    instrument.holdOpens()
    let bench = try SessionBench(instrument: instrument)
    defer { bench.remove() }
    let running = Task { await bench.session.runSession() }
    #expect(await bench.recorder.wait { $0.contains(where: \.isAcquisitionFailure) })
    bench.presence.signal(.removed)
    instrument.releaseOpens()
    #expect(
      await bench.recorder.wait { events in
        events.drop { !$0.isAcquisitionFailure }.filter(\.isAcquired).count >= 2
      })
    #expect(bench.recorder.count(\.isDeviceRemoval) == 0)
    #expect(bench.session.summary.acquisitionsInterrupted == 1)
    #expect(bench.session.summary.errors == 1)
    running.cancel()
    await running.value
    await bench.spool.pump.finish()
  }

  /// A light source (a Wasatch laser) hears of operator runs at once, not after the exposure in
  /// flight: a stopped run must not leave the laser on for the rest of a long exposure.
  @Test func operatorRunsReachTheLightSourceAtOnceEvenMidExposure() async throws {
    let instrument = ScriptedInstrument(id: "r1", steps: [.spectrum, .holdUntilReleased])
    let bench = try SessionBench(instrument: instrument)
    defer { bench.remove() }
    let running = Task { await bench.session.runSession() }
    #expect(await bench.recorder.wait { $0.filter(\.isAcquisitionStarted).count >= 2 })
    #expect(instrument.emissionWanted == false, "an automatic run: dark")

    // The second exposure is held: only the forwarded news can reach the instrument now.
    bench.runs.start(sampleID: "S-17", operatorName: "op", pointID: nil)
    #expect(await bench.recorder.wait { _ in instrument.emissionWanted == true })
    bench.runs.stop()
    #expect(await bench.recorder.wait { _ in instrument.emissionWanted == false })
    #expect(bench.recorder.count(\.isAcquired) == 1, "the held exposure is still in flight")

    instrument.release()
    #expect(await bench.recorder.wait { $0.filter(\.isAcquired).count >= 3 })
    #expect(instrument.emissionWanted == false)
    running.cancel()
    await running.value
    await bench.spool.pump.finish()
  }

  @Test func gracefulShutdownFinishesTheExposureInFlightAndWritesRunEnd() async throws {
    let instrument = ScriptedInstrument(id: "r1", steps: [.spectrum, .holdUntilReleased])
    let bench = try SessionBench(instrument: instrument, shutdownGraceSeconds: 60)
    defer { bench.remove() }
    await testGracefulShutdown { trigger in
      let running = Task { await bench.session.runSession() }
      #expect(await bench.recorder.wait { $0.filter(\.isAcquisitionStarted).count >= 2 })
      trigger.triggerGracefulShutdown()
      // The shutdown is requested while the device still integrates; the spectrum still counts.
      instrument.release()
      await running.value
    }
    await bench.spool.pump.finish()

    let records = try bench.records()
    let types = records.compactMap { $0["type"]?.stringValue }
    #expect(types == ["run-start", "acquisition", "acquisition", "run-end"], "\(types)")
    let summary = records.last?["summary"]
    #expect(summary?["reason"]?.stringValue == "shutdown")
    #expect(summary?["acquisitions_completed"]?.doubleValue == 2)
    #expect(summary?["acquisitions_spooled"]?.doubleValue == 2)
    #expect(summary?["acquisitions_interrupted"]?.doubleValue == 0)
    #expect(bench.instrumentHealth?.state == .stopped)
    #expect(instrumentStates(bench.hub).last == "closed")
    guard case .closed(let closed)? = bench.recorder.all.last else {
      Issue.record("the last event is not .closed: \(String(describing: bench.recorder.all.last))")
      return
    }
    #expect(closed?.acquisitionsSpooled == 2)
  }

  @Test func aFailingSpoolMakesReadyzAnswer503WithTheReason() async throws {
    let instrument = ScriptedInstrument(id: "r1", steps: [])
    let bench = try SessionBench(instrument: instrument)
    defer { bench.remove() }
    // A file where the spool's tmp/ directory was: no segment can be opened.
    try FileManager.default.removeItem(atPath: bench.directory + "/tmp")
    #expect(FileManager.default.createFile(atPath: bench.directory + "/tmp", contents: Data()))
    let running = Task { await bench.session.runSession() }
    let failing = await bench.recorder.wait { _ in
      if case .failing = bench.spool.state { return true }
      return false
    }
    #expect(failing, "the spool reports its write failure")

    // Served as on the unit's Unix socket, where the Host check does not apply (Hummingbird's
    // router test client sends no port).
    let router = MonitorServer.router(
      settings: MonitorServer.Settings(address: .unixSocket(path: bench.directory + "/m.sock")),
      hub: bench.hub, metrics: bench.metrics, backend: bench.bridge)
    let application = Application(router: router)
    try await application.test(.router) { client in
      try await client.execute(uri: "/readyz", method: .get) { response in
        #expect(response.status == .serviceUnavailable)
        let text = String(buffer: response.body)
        #expect(text.contains("not ready: spool is failing"), "\(text)")
        #expect(!text.contains(bench.directory), "no path for whoever can reach the port: \(text)")
        #expect(
          bench.bridge.status()["daemon"]?["not_ready_reason"]?.stringValue?.contains("/tmp")
            == true, "the status names what failed")
      }
      try await client.execute(uri: "/healthz", method: .get) {
        #expect($0.status == .ok, "the process itself is alive")
      }
    }

    // Space (here: the directory) comes back; nothing acquired meanwhile was lost.
    try FileManager.default.removeItem(atPath: bench.directory + "/tmp")
    try FileManager.default.createDirectory(
      atPath: bench.directory + "/tmp", withIntermediateDirectories: false)
    let writing = await bench.recorder.wait { _ in bench.spool.state == .writing }
    #expect(writing)
    running.cancel()
    await running.value
    await bench.spool.pump.finish()
    let acquisitions = try bench.records().filter { $0["type"]?.stringValue == "acquisition" }
    guard case .closed(let summary?)? = bench.recorder.all.last else {
      Issue.record("the session did not end with its summary")
      return
    }
    #expect(!acquisitions.isEmpty)
    #expect(UInt64(acquisitions.count) == summary.acquisitionsSpooled)
    #expect(summary.acquisitionsDropped == 0)
  }
}
