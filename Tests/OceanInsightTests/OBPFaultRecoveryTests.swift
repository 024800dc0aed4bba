import OceanInsight
import Simulation
import Testing
import WhitlockCore

/// Regressions from the OBP rows of the fault matrix (`whitlock-faults --family ocean`).
@Suite struct OBPFaultRecoveryTests {
  private func settings(_ model: OceanModel?) -> OceanInsightSettings {
    var settings = OceanInsightSettings(
      model: model, excitationNanometres: 785, integrationSeconds: 0.05)
    settings.replyTimeout = .milliseconds(500)
    return settings
  }

  private func parameter(_ acquisition: Acquisition, _ name: String) -> Int {
    Int(acquisition.parameters.first { $0.0 == name }?.1.doubleValue ?? -1)
  }

  /// A "device not ready" NACK is a busy device, not a broken one: the request is repeated,
  /// where it used to fail the open or the acquisition and force a reopen.
  @Test func busyNackIsRetriedAndCounted() async throws {
    var deviceSettings = EmulatedSpectrometerSettings(serial: "QEPBUSY")
    deviceSettings.faults.nackEvery = 4
    let device = OBPDeviceEmulator(model: .qePro, settings: deviceSettings)
    let instrument = OceanInsightInstrument(
      configuredID: "q", link: .serial { device.connectSerial() }, settings: settings(nil))
    #expect(try await instrument.open().serial == "QEPBUSY")
    var last: Acquisition?
    for _ in 0..<8 { last = try await instrument.acquire() }
    let acquisition = try #require(last)
    #expect(acquisition.counts.count == 1044)
    #expect(parameter(acquisition, "link_busy_replies") >= 2)
    #expect(parameter(acquisition, "link_retries") >= parameter(acquisition, "link_busy_replies"))
  }

  /// Opens a serial QE Pro emulation with `deviceSettings` (its faults) and returns the sixth
  /// acquisition, whose `link_*` parameters count what the first six met.
  private func sixthAcquisition(
    _ deviceSettings: EmulatedSpectrometerSettings, _ driverSettings: OceanInsightSettings
  ) async throws -> Acquisition {
    let device = OBPDeviceEmulator(model: .qePro, settings: deviceSettings)
    let instrument = OceanInsightInstrument(
      configuredID: "q", link: .serial { device.connectSerial() }, settings: driverSettings)
    _ = try await instrument.open()
    var last: Acquisition?
    for _ in 0..<6 { last = try await instrument.acquire() }
    return try #require(last)
  }

  /// Footer and MD5 failures and the timeouts they cause are reported as `link_*` counters, so
  /// the daemon can put them into `whitlock_link_trouble_total`.
  @Test func corruptRepliesShowInLinkCounters() async throws {
    var deviceSettings = EmulatedSpectrometerSettings(serial: "QEPMD5")
    deviceSettings.checksums = true
    deviceSettings.faults.corruptEvery = 3
    deviceSettings.faults.garbageEvery = 5
    var driverSettings = settings(nil)
    driverSettings.attempts = 4
    let acquisition = try await sixthAcquisition(deviceSettings, driverSettings)
    #expect(parameter(acquisition, "link_corrupted_frames") >= 2)
    #expect(parameter(acquisition, "link_skipped_bytes") > 0)
    #expect(parameter(acquisition, "link_retries") >= 2)
    #expect(parameter(acquisition, "link_timeouts") == 0)
  }

  /// A reply whose footer arrives corrupted is asked for again as soon as the frame is complete,
  /// rather than skipped as garbage while the exchange waits out the whole reply timeout. The
  /// timeout here is long, so waiting it out would show as a counted timeout, not as a slow test.
  @Test func tornReplyIsRetriedWithoutWaitingForTheTimeout() async throws {
    var deviceSettings = EmulatedSpectrometerSettings(serial: "QEPFOOT")
    deviceSettings.faults.corruptEvery = 3
    var driverSettings = settings(nil)
    driverSettings.replyTimeout = .seconds(20)
    driverSettings.attempts = 4
    let acquisition = try await sixthAcquisition(deviceSettings, driverSettings)
    #expect(parameter(acquisition, "link_corrupted_frames") >= 2)
    #expect(
      parameter(acquisition, "link_retries") >= parameter(acquisition, "link_corrupted_frames"))
    #expect(parameter(acquisition, "link_timeouts") == 0)
  }

  /// A serial device that identifies as another model than the configured one is refused on
  /// open, not driven with its own calibration as if nothing were wrong.
  @Test func deviceOfAnotherModelIsRefused() async throws {
    let device = OBPDeviceEmulator(
      model: .sts, settings: EmulatedSpectrometerSettings(serial: "S00007"))
    var driverSettings = settings(nil)
    driverSettings.expectedModel = .qePro
    let instrument = OceanInsightInstrument(
      configuredID: "q", link: .serial { device.connectSerial() }, settings: driverSettings)
    let error = await #expect(throws: InstrumentError.self) { try await instrument.open() }
    #expect(error?.category == .deviceRejected)
    #expect(error?.message.contains("0x4000 (STS)") == true)
    #expect(error?.message.contains("configuration names a QEPRO") == true)
    #expect(!device.requestLog.contains(0x0010_0928), "no spectrum taken from the wrong device")

    var matching = settings(nil)
    matching.expectedModel = .sts
    let accepted = OceanInsightInstrument(
      configuredID: "q", link: .serial { device.connectSerial() }, settings: matching)
    #expect(try await accepted.open().model == "Ocean Insight STS")
  }
}
