import Foundation
import OceanInsight
import Simulation
import Testing
import WhitlockCore
import WhitlockDaemon

/// The acquisition chain over the emulated Ocean Optics USB2000+ (OOI protocol on virtual USB):
/// firmware that applies a new integration time one spectrum late, an operator-blocked dark, and
/// the EEPROM's non-linearity polynomial, good and unprogrammed.
@Suite struct AcquisitionChainOceanTests {
  private let run = "00000000-0000-4000-8000-000000000003"

  private func open(_ settings: EmulatedSpectrometerSettings, exposure: Double = 0.1) async throws
    -> (OOIDeviceEmulator, OceanInsightInstrument)
  {
    var settings = settings
    // One sample point throughout, so spectra differ only by their exposure and noise.
    settings.acquisitionsPerPoint = 1_000_000
    let device = OOIDeviceEmulator(model: .usb2000Plus, settings: settings)
    var driver = OceanInsightSettings(
      model: .usb2000Plus, excitationNanometres: 785, integrationSeconds: exposure)
    driver.replyTimeout = .seconds(2)
    let instrument = OceanInsightInstrument(
      configuredID: "ooi", link: .usb { device.connectUSB() }, settings: driver, truth: device)
    _ = try await instrument.open()
    return (device, instrument)
  }

  /// Mean counts above the detector's 800-count offset.
  private func signal(_ counts: [UInt32]) -> Double {
    counts.reduce(0.0) { $0 + Double($1) } / Double(counts.count) - 800
  }

  @Test func aLateIntegrationChangeReachesNoRecordedSpectrum() async throws {
    var settings = EmulatedSpectrometerSettings(seed: 3, serial: "LATE")
    settings.lateIntegrationChange = true
    let (_, instrument) = try await open(settings)
    let short = try await instrument.acquire()
    // Straight through the driver the first spectrum after a change still has 0.1 s.
    let late = try await instrument.acquire(exposureSeconds: 1, dark: false)
    let settled = try await instrument.acquire(exposureSeconds: 1, dark: false)
    #expect(signal(late.counts) < 0.2 * signal(settled.counts), "the emulated firmware fault")
    #expect(signal(short.counts) < 0.2 * signal(settled.counts))

    var chainSettings = AcquisitionChainSettings(exposureSeconds: 0.1)
    chainSettings.correctNonlinearity = false
    let chain = AcquisitionChain(instrument: instrument, settings: chainSettings)
    await chain.deviceOpened()
    // The chain's first frame at 0.1 s is discarded: it still had the driver's last 1 s.
    let spectrum = try await chain.acquire(runID: run, operatorRun: true)
    #expect(spectrum.parameter("frames_discarded") == .int(1))
    let ratio = signal(settled.counts) / signal(spectrum.counts)
    #expect(ratio > 8 && ratio < 12, "a 0.1 s spectrum, not the late 1 s frame (ratio \(ratio))")
    await instrument.close()
  }

  @Test func anOperatorBlockedDarkIsSubtractedFromTheLitSpectra() async throws {
    let (device, instrument) = try await open(EmulatedSpectrometerSettings(seed: 4))
    let chain = AcquisitionChain(
      instrument: instrument, settings: AcquisitionChainSettings(exposureSeconds: 0.1))
    await chain.deviceOpened()
    device.setBeamBlocked(true)
    let dark = try await chain.takeDark()
    device.setBeamBlocked(false)
    #expect(dark.method == "operator-blocked")
    let darkMean = dark.counts.reduce(0, +) / Double(dark.counts.count)
    #expect(abs(darkMean - 800) < 10, "offset and dark charge only")
    let spectrum = try await chain.acquire(runID: run, operatorRun: true)
    #expect(spectrum.parameter("dark")?["id"] == .string(dark.id))
    #expect(spectrum.parameter("dark")?["subtracted"] == .bool(true))
    #expect(spectrum.counts.min() ?? 1 < 100, "the offset is gone")
    await instrument.close()
  }

  @Test func theEEPROMPolynomialIsAppliedOnlyWhenItPassesItsCheck() async throws {
    let (_, good) = try await open(EmulatedSpectrometerSettings(seed: 5))
    let applied = AcquisitionChain(
      instrument: good, settings: AcquisitionChainSettings(exposureSeconds: 0.1))
    await applied.deviceOpened()
    let corrected = try await applied.acquire(runID: run, operatorRun: true)
    #expect(corrected.parameter("nonlinearity_correction") == .string("applied"))
    await good.close()

    var unprogrammed = EmulatedSpectrometerSettings(seed: 5)
    unprogrammed.nonlinearity = [0, 0, 0, 0, 0, 0, 0, 0]
    let (_, bad) = try await open(unprogrammed)
    let refused = AcquisitionChain(
      instrument: bad, settings: AcquisitionChainSettings(exposureSeconds: 0.1))
    await refused.deviceOpened()
    let untouched = try await refused.acquire(runID: run, operatorRun: true)
    let state = untouched.parameter("nonlinearity_correction")?.stringValue ?? ""
    #expect(state.hasPrefix("refused: ") && state.contains("all zero"), "\(state)")
    #expect(
      untouched.parameter("nonlinearity_coefficients")?.stringValue?.hasPrefix("refused") == true)
    await bad.close()
  }

  @Test func anOBPDeviceAveragesOnTheDevice() async throws {
    let device = OBPDeviceEmulator(model: .qePro, settings: EmulatedSpectrometerSettings(seed: 6))
    var driver = OceanInsightSettings(
      model: .qePro, excitationNanometres: 785, integrationSeconds: 0.1)
    driver.replyTimeout = .seconds(2)
    let instrument = OceanInsightInstrument(
      configuredID: "qe", link: .serial { device.connectSerial() }, settings: driver)
    _ = try await instrument.open()
    var settings = AcquisitionChainSettings(exposureSeconds: 0.1)
    settings.scansToAverage = 4
    let chain = AcquisitionChain(instrument: instrument, settings: settings)
    await chain.deviceOpened()
    #expect(device.scansToAverage == 4)
    let spectrum = try await chain.acquire(runID: run, operatorRun: true)
    #expect(spectrum.parameter("scans_on_device") == .int(4))
    #expect(spectrum.parameter("scans_to_average") == .int(4))
    #expect(spectrum.counts.count == 1044)
    #expect(spectrum.parameter("nonlinearity_correction") == .string("applied"))
    await instrument.close()
  }

  @Test func anOBPDeviceWithAnUnprogrammedPolynomialIsNotCorrected() async throws {
    var settings = EmulatedSpectrometerSettings(seed: 7)
    settings.nonlinearity = [0, 0, 0, 0]
    let device = OBPDeviceEmulator(model: .qePro, settings: settings)
    var driver = OceanInsightSettings(
      model: .qePro, excitationNanometres: 785, integrationSeconds: 0.1)
    driver.replyTimeout = .seconds(2)
    let instrument = OceanInsightInstrument(
      configuredID: "qe", link: .serial { device.connectSerial() }, settings: driver)
    _ = try await instrument.open()
    let chain = AcquisitionChain(
      instrument: instrument, settings: AcquisitionChainSettings(exposureSeconds: 0.1))
    await chain.deviceOpened()
    let spectrum = try await chain.acquire(runID: run, operatorRun: true)
    let state = spectrum.parameter("nonlinearity_correction")?.stringValue ?? ""
    #expect(state.hasPrefix("refused: ") && state.contains("all zero"), "\(state)")
    await instrument.close()
  }
}
