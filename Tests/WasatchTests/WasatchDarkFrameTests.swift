import Simulation
import Testing
import Wasatch
import WhitlockCore

/// Dark frames on the emulated Wasatch: the laser stays off for them even in an operator run,
/// comes back for the next lit frame, and a dark never switches it on.
@Suite struct WasatchDarkFrameTests {
  private func parameter(_ acquisition: Acquisition, _ key: String) -> JSONValue? {
    acquisition.parameters.first { $0.0 == key }?.1
  }

  @Test func aDarkFrameKeepsTheLaserOffInAnOperatorRun() async throws {
    let device = WasatchDeviceEmulator(settings: EmulatedSpectrometerSettings(serial: "WP-D"))
    let wasatch = WasatchInstrument(
      configuredID: "wp", productID: device.productID,
      settings: WasatchSettings(integrationSeconds: 0.1, laserAllowed: true),
      openDevice: { device.connectUSB() }, truth: device)
    _ = try await wasatch.open()
    await wasatch.operatorRunChanged(active: true, generation: 1)
    #expect(device.laserEnabled)

    let dark = try await wasatch.acquire(exposureSeconds: 0.25, dark: true)
    #expect(parameter(dark, "laser_enabled") == .bool(false))
    #expect(parameter(dark, "dark_frame") == .bool(true))
    #expect(device.integrationMilliseconds == 250)
    #expect(!device.laserEnabled, "off until a lit frame asks for it")

    let lit = try await wasatch.acquire(exposureSeconds: 0.25, dark: false)
    #expect(parameter(lit, "laser_enabled") == .bool(true))
    #expect(device.laserHistory == [false, true, false, true])
    await wasatch.close()
    #expect(!device.laserEnabled)
  }

  @Test func aDarkFrameInAnAutomaticRunNeverFiresTheLaser() async throws {
    let device = WasatchDeviceEmulator(settings: EmulatedSpectrometerSettings(serial: "WP-E"))
    let wasatch = WasatchInstrument(
      configuredID: "wp", productID: device.productID,
      settings: WasatchSettings(integrationSeconds: 0.1, laserAllowed: true),
      openDevice: { device.connectUSB() }, truth: device)
    _ = try await wasatch.open()
    _ = try await wasatch.acquire(exposureSeconds: 0.1, dark: true)
    _ = try await wasatch.acquire(exposureSeconds: 0.1, dark: false)
    #expect(!device.laserHistory.contains(true))
    #expect(await wasatch.exposureRange == 0.001...60)
    await wasatch.close()
  }
}
