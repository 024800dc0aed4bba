import Foundation
import Testing
import WhitlockCore

@testable import WhitlockDaemon

/// A map's slots on a real driver (the emulated Wasatch, built from a configuration as the
/// daemon builds it) are exposed for the plan's time, not the instrument's own `exposure_s`,
/// with and without an acquisition chain; spectra outside the map keep the instrument's.
@Suite struct MapExposureSessionTests {
  private static func configuration(chain: Bool) -> String {
    """
    [[instrument]]
    id = "wp"
    kind = "raman"
    driver = "wasatch"
    exposure_s = 0.1
    [instrument.simulation]
    pacing = 0.2
    [instrument.device]
    emulate = true
    """ + (chain ? "\n[instrument.acquisition]\nscans_to_average = 1\n" : "\n")
  }

  @Test(arguments: [false, true])
  func mapSlotsTakeThePlansExposure(chain: Bool) async throws {
    let desk = MapSlotDesk()
    let bench = try ConfiguredSession(
      Self.configuration(chain: chain), source: "map-exposure-test.toml"
    ) { $0.mapSlots = desk }
    defer { bench.remove() }
    let (session, recorder, spool) = (bench.session, bench.recorder, bench.spool)
    #expect(session.hasAcquisitionChain == chain)
    let running = Task { await session.runSession() }

    // Free-running first: the instrument's own exposure.
    #expect(await recorder.wait { $0.contains(where: \.isAcquired) })
    desk.activate([.raman])
    var outcomes: [String] = []
    for (index, planned) in [0.25, 0.25, 0.05].enumerated() {
      let member = JSONValue.object([("map_id", .string("m")), ("grid_index", .int(Int64(index)))])
      switch await desk.offer(kind: .raman, mapMember: member, exposureSeconds: planned) {
      case .acquired?: outcomes.append("acquired")
      case let other: outcomes.append("\(String(describing: other))")
      }
    }
    desk.deactivate()
    #expect(outcomes == ["acquired", "acquired", "acquired"])
    #expect(
      await recorder.wait { events in
        events.filter { event in
          if case .acquired(let acquisition, _) = event {
            acquisition.mapPoint == nil
          } else {
            false
          }
        }.count >= 2
      })
    running.cancel()
    await running.value
    await spool.pump.finish()

    var mapExposures: [Double] = []
    var ownExposures: [Double] = []
    for case .acquired(let acquisition, _) in recorder.all {
      if acquisition.mapPoint != nil {
        mapExposures.append(acquisition.exposureSeconds)
      } else {
        ownExposures.append(acquisition.exposureSeconds)
      }
    }
    #expect(mapExposures == [0.25, 0.25, 0.05])
    #expect(!ownExposures.isEmpty && ownExposures.allSatisfy { $0 == 0.1 }, "\(ownExposures)")
  }
}
