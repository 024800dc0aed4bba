import OceanInsight
import Simulation
import Wasatch
import WhitlockConfiguration
import WhitlockCore

/// Builds a real driver wired to an in-process device emulation (`emulate = true`), so the daemon
/// runs the same driver code it would run against hardware, byte for byte.
enum EmulatedDeviceFactory {
  static func make(_ configuration: InstrumentConfiguration) -> any Instrument {
    let simulation = configuration.simulation
    var emulated = EmulatedSpectrometerSettings(seed: simulation.seed, serial: simulation.serial)
    emulated.acquisitionsPerPoint = simulation.acquisitionsPerPoint
    emulated.pacing = simulation.pacing
    emulated.excitationNanometres = configuration.device.excitationNanometres ?? 785
    let device = configuration.device
    switch configuration.driver {
    case .oceanOBP, .oceanOOI:
      // Both tables hold the same model names; the loader checked the name against the driver's.
      let model = try? OceanModel.named(device.model)
      let emulatedModel = EmulatedOceanModel.all.first { $0.name == model?.name }
      guard let model, let emulatedModel else {
        return UnavailableInstrument(
          configuredID: configuration.id, reason: "no emulation of model \(device.model)")
      }
      var settings = OceanInsightSettings(
        model: model, excitationNanometres: device.excitationNanometres ?? 785,
        integrationSeconds: configuration.exposureSeconds)
      settings.replyTimeout = .seconds(2)
      settings.apply(device)
      if configuration.driver == .oceanOOI {
        let emulator = OOIDeviceEmulator(model: emulatedModel, settings: emulated)
        return OceanInsightInstrument(
          configuredID: configuration.id, link: .usb { emulator.connectUSB() },
          settings: settings, truth: emulator)
      }
      if device.transport == .serial {
        let emulator = OBPDeviceEmulator(model: emulatedModel, settings: emulated)
        settings.model = nil  // identify by the product ID the device reports, as on serial
        return OceanInsightInstrument(
          configuredID: configuration.id, link: .serial { emulator.connectSerial() },
          settings: settings, truth: emulator)
      }
      let emulator = OBPDeviceEmulator(
        model: emulatedModel, settings: emulated, replyEndpoint: 0x81)
      return OceanInsightInstrument(
        configuredID: configuration.id, link: .usb { emulator.connectUSB() }, settings: settings,
        truth: emulator)
    case .wasatch:
      let emulator = WasatchDeviceEmulator(
        productID: device.productID, pixelCount: simulation.channels, settings: emulated)
      var settings = WasatchSettings(
        integrationSeconds: configuration.exposureSeconds, laserAllowed: device.laserEnabled)
      settings.laserPowerPercent = device.laserPowerPercent
      settings.excitationNanometres = device.excitationNanometres
      settings.emission = device.laserEmission
      settings.laserWatchdogSeconds = device.laserWatchdogSeconds
      return WasatchInstrument(
        configuredID: configuration.id, productID: device.productID, settings: settings,
        openDevice: { emulator.connectUSB() }, truth: emulator)
    case .simulated, .amptekDP5:
      return UnavailableInstrument(
        configuredID: configuration.id,
        reason: "\(configuration.driver.rawValue) instruments are not in-process device emulations")
    }
  }
}

/// An instrument that cannot be opened, with the reason; the session logs it and keeps retrying.
struct UnavailableInstrument: Instrument {
  let configuredID: String
  let reason: String
  var kind: InstrumentKind { .raman }

  func open() async throws -> InstrumentIdentity {
    throw InstrumentError(.configuration, "\(configuredID): \(reason)")
  }

  func acquire() async throws -> Acquisition {
    throw InstrumentError(.configuration, "\(configuredID): \(reason)")
  }

  func close() async {}
}
