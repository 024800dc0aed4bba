import AmptekDP5
import Simulation
import Testing

/// The simulated device answers like a DP5: configuration errors with the right ACK, counts that
/// accumulate while enabled and stop at the preset, status counters that follow.
@Suite struct EmulatorTests {
  private func ackCode(_ response: DP5Response) -> UInt8? {
    if case .acknowledgement(let code, _) = response { return code }
    return nil
  }

  @Test func invalidTextConfigurationGetsTheMatchingErrorACK() {
    var settings = DP5EmulatorSettings()
    settings.pc5Present = false
    var device = DP5Emulator(settings: settings)
    let now = ContinuousClock.now
    let cases: [(String, DP5DeviceError)] = [
      ("MCAC=3000;", .badParameter(command: "MCAC=3000;")),
      ("XXXX=1;", .unrecognizedCommand(command: "XXXX=1;")),
      ("HVSE=-110;", .pc5NotPresent(command: "HVSE=-110;")),
      ("VOLU=1;", .unrecognizedCommand(command: "VOLU=1;")),
    ]
    for (text, error) in cases {
      let reply = device.respond(
        to: DP5Request.textConfiguration(text, persist: false).packet, at: now)
      #expect(reply == .rejection(error), "\(text)")
    }
    let good = device.respond(
      to: DP5Request.textConfiguration("MCAC=512;PRET=2.5;", persist: false).packet, at: now)
    #expect(good == .ok)
    let readBack = device.respond(to: DP5Request.textReadback("MCAC=?;PRET=?;").packet, at: now)
    #expect(readBack == .configurationReadback("MCAC=512;PRET=2.5;"))
    #expect(ackCode(device.respond(to: DP5Packet(pid1: 0x55, pid2: 1), at: now)) == 0x02)
  }

  @Test func countsAccumulateWhileEnabledAndStopAtThePreset() throws {
    var device = DP5Emulator(settings: DP5EmulatorSettings())
    let start = ContinuousClock.now
    _ = device.respond(
      to: DP5Request.textConfiguration("MCAC=2048;PRET=2.0;", persist: false).packet, at: start)
    #expect(device.respond(to: DP5Request.clearSpectrum.packet, at: start) == .ok)
    #expect(device.respond(to: DP5Request.enableMCA.packet, at: start) == .ok)
    let midway = device.respond(to: DP5Request.status.packet, at: start + .seconds(1))
    guard case .status(let half) = midway else {
      Issue.record("no status: \(midway)")
      return
    }
    #expect(half.mcaEnabled && !half.presetTimeReached)
    #expect(half.accumulationMilliseconds == 1000)
    #expect(half.slowCount > 0 && half.fastCount >= half.slowCount)
    let late = DP5Request.spectrum(withStatus: true, clear: false).packet
    guard case .spectrum(let spectrum) = device.respond(to: late, at: start + .seconds(5)),
      let final = spectrum.status
    else {
      Issue.record("no spectrum")
      return
    }
    #expect(final.presetTimeReached && !final.mcaEnabled)
    #expect(final.accumulationMilliseconds == 2000, "stops at the preset, not at 5 s")
    #expect(final.generalPurposeCount == 1)
    #expect(spectrum.counts.count == 2048)
    #expect(UInt64(final.slowCount) == spectrum.counts.reduce(0) { $0 + UInt64($1) })
    #expect(final.slowCount > half.slowCount)
    #expect(final.serialNumber == 31_337 && final.modelName == "Amptek X-123")
  }

  @Test func clearResetsCountsAndDisableFreezesThem() {
    var device = DP5Emulator(settings: DP5EmulatorSettings())
    let start = ContinuousClock.now
    _ = device.respond(to: DP5Request.enableMCA.packet, at: start)
    _ = device.respond(to: DP5Request.disableMCA.packet, at: start + .milliseconds(500))
    guard
      case .status(let stopped) = device.respond(
        to: DP5Request.status.packet, at: start + .seconds(3))
    else { return }
    #expect(stopped.accumulationMilliseconds == 500 && !stopped.mcaEnabled)
    _ = device.respond(to: DP5Request.clearSpectrum.packet, at: start + .seconds(3))
    guard
      case .status(let cleared) = device.respond(
        to: DP5Request.status.packet, at: start + .seconds(3))
    else { return }
    #expect(cleared.accumulationMilliseconds == 0 && cleared.slowCount == 0)
  }
}
