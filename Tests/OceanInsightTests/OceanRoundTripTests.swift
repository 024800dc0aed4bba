import OceanInsight
import Simulation
import Testing
import WhitlockCore

/// The driver against the device emulations, over serial and virtual USB.
@Suite struct OceanRoundTripTests {
  private func settings(_ model: OceanModel?, seconds: Double = 0.1) -> OceanInsightSettings {
    var settings = OceanInsightSettings(
      model: model, excitationNanometres: 785, integrationSeconds: seconds)
    settings.replyTimeout = .seconds(2)
    return settings
  }

  private func expectAxisMatches(
    _ acquisition: Acquisition, coefficients: [Double], tolerance: Double = 1e-3
  ) {
    let truth = AxisCalibration.wavelengthPolynomial(
      coefficients: coefficients, excitationNanometres: 785)
    for pixel in [0.0, Double(acquisition.counts.count / 2), Double(acquisition.counts.count - 1)] {
      let difference = abs(
        acquisition.axis.axisValue(atChannel: pixel) - truth.axisValue(atChannel: pixel))
      #expect(difference < tolerance, "Raman shift at pixel \(pixel) off by \(difference) cm-1")
    }
  }

  @Test func qeProOverSerialIdentifiesCalibratesAndAcquires() async throws {
    var deviceSettings = EmulatedSpectrometerSettings(seed: 3, serial: "QEP01234")
    deviceSettings.checksums = true
    let device = OBPDeviceEmulator(model: .qePro, settings: deviceSettings)
    let instrument = OceanInsightInstrument(
      configuredID: "raman", link: .serial { device.connectSerial() }, settings: settings(nil),
      truth: device)
    let identity = try await instrument.open()
    #expect(identity.serial == "QEP01234")
    #expect(identity.model == "Ocean Insight QEPRO", "model found from the product ID")
    #expect(device.integrationMicroseconds == 100_000)
    let acquisition = try await instrument.acquire()
    #expect(acquisition.counts.count == 1044)
    #expect(acquisition.fullScale == 200_000)
    expectAxisMatches(acquisition, coefficients: device.wavelengthCoefficients)
    #expect(acquisition.simulationTruth == device.truthOfLatestSpectrum())
    let parameters = Dictionary(uniqueKeysWithValues: acquisition.parameters)
    #expect(parameters["electric_dark_mean"]?.doubleValue ?? 0 > 500)
    #expect(parameters["saturated"] == .bool(false))
    await instrument.close()
  }

  @Test func stsOverVirtualUSB() async throws {
    let device = OBPDeviceEmulator(
      model: .sts, settings: EmulatedSpectrometerSettings(serial: "S01337"), replyEndpoint: 0x81)
    let instrument = OceanInsightInstrument(
      configuredID: "sts", link: .usb { device.connectUSB() },
      settings: settings(.sts, seconds: 0.05),
      truth: device)
    #expect(try await instrument.open().serial == "S01337")
    let acquisition = try await instrument.acquire()
    #expect(acquisition.counts.count == 1024 && acquisition.fullScale == 16383)
    expectAxisMatches(acquisition, coefficients: device.wavelengthCoefficients)
  }

  @Test(arguments: [
    (EmulatedOceanModel.usb2000Plus, OceanModel.usb2000Plus),
    (.hr4000, .hr4000), (.qe65000, .qe65000), (.maya2000Pro, .maya2000Pro),
  ])
  func ooiModelsOverVirtualUSB(emulated: EmulatedOceanModel, model: OceanModel) async throws {
    let device = OOIDeviceEmulator(
      model: emulated,
      settings: EmulatedSpectrometerSettings(seed: 9, serial: "OOI\(model.productID)"))
    let instrument = OceanInsightInstrument(
      configuredID: "ooi", link: .usb { device.connectUSB() }, settings: settings(model),
      truth: device)
    let identity = try await instrument.open()
    #expect(identity.serial == "OOI\(model.productID)")
    #expect(device.isInitialised)
    #expect(device.integrationMicroseconds == 100_000)
    let acquisition = try await instrument.acquire()
    #expect(acquisition.counts.count == model.pixelCount)
    expectAxisMatches(acquisition, coefficients: device.wavelengthCoefficients, tolerance: 0.05)
    #expect(acquisition.simulationTruth != nil)
    // Bit fixes undone: with no light counts sit near the 800-count offset, not 0x2000 or 0x8000 away.
    let dark = try #require(
      Dictionary(uniqueKeysWithValues: acquisition.parameters)["electric_dark_mean"]?.doubleValue)
    #expect(abs(dark - 800) < 100)
    // The emulated EEPROM's non-linearity polynomial is a plausible one.
    #expect(
      Dictionary(uniqueKeysWithValues: acquisition.parameters)["nonlinearity_coefficients"]
        == .string("passed"))
  }

  @Test func refusesIntegrationOutsideTheModelLimits() async throws {
    let device = OBPDeviceEmulator(model: .qePro, settings: EmulatedSpectrometerSettings())
    let instrument = OceanInsightInstrument(
      configuredID: "q", link: .serial { device.connectSerial() },
      settings: settings(.qePro, seconds: 0.001))
    let error = await #expect(throws: InstrumentError.self) { try await instrument.open() }
    #expect(error?.category == .configuration)
  }

  @Test func drainsAStaleReplyLeftByAKilledClientOnOpen() async throws {
    let device = OBPDeviceEmulator(
      model: .qePro, settings: EmulatedSpectrometerSettings(serial: "Q9"))
    // A previous client asked for a spectrum and died before reading it.
    let killed = device.connectSerial()
    try await killed.write(
      OBPMessage(messageType: OBPMessageType.bufferedSpectrum32WithMetadata).encoded(),
      deadline: .now + .seconds(1))
    await killed.close()
    #expect(device.output.pendingCount() > 4000)
    let instrument = OceanInsightInstrument(
      configuredID: "q", link: .serial { device.connectSerial() }, settings: settings(.qePro))
    #expect(try await instrument.open().serial == "Q9")
    #expect(await instrument.drainedOnOpen > 4000)
    #expect(try await instrument.acquire().counts.count == 1044)
  }

  @Test func recoversFromGarbageCorruptionAndStalls() async throws {
    var deviceSettings = EmulatedSpectrometerSettings(serial: "FAULTY")
    deviceSettings.checksums = true
    deviceSettings.faults.garbageEvery = 3
    deviceSettings.faults.corruptEvery = 5
    deviceSettings.faults.stallEvery = 7
    let device = OBPDeviceEmulator(model: .qePro, settings: deviceSettings)
    var driverSettings = settings(.qePro)
    driverSettings.replyTimeout = .milliseconds(300)
    driverSettings.attempts = 4
    let instrument = OceanInsightInstrument(
      configuredID: "q", link: .serial { device.connectSerial() }, settings: driverSettings)
    #expect(try await instrument.open().serial == "FAULTY")
    for _ in 0..<6 { #expect(try await instrument.acquire().counts.count == 1044) }
  }

  @Test func nackBecomesADeviceRejectedErrorAndDisconnectIsReported() async throws {
    var deviceSettings = EmulatedSpectrometerSettings()
    deviceSettings.faults.nackEvery = 1
    let device = OBPDeviceEmulator(model: .sts, settings: deviceSettings)
    let instrument = OceanInsightInstrument(
      configuredID: "s", link: .serial { device.connectSerial() }, settings: settings(.sts))
    let error = await #expect(throws: InstrumentError.self) { try await instrument.open() }
    #expect(error?.category == .deviceRejected)
    #expect(error?.message.contains("device not ready") == true)

    var dropping = EmulatedSpectrometerSettings()
    dropping.faults.disconnectAtReply = 9  // the first spectrum, after 8 replies on open
    let flaky = OBPDeviceEmulator(model: .sts, settings: dropping)
    let second = OceanInsightInstrument(
      configuredID: "s", link: .serial { flaky.connectSerial() }, settings: settings(.sts))
    _ = try await second.open()
    let gone = await #expect(throws: InstrumentError.self) { try await second.acquire() }
    #expect(gone?.category == .disconnected)
    _ = try await second.open()
    #expect(try await second.acquire().counts.count == 1024, "device back after reconnect")
  }
}
