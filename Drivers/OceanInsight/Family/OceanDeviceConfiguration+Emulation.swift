import OceanInsight
import Simulation
import WhitlockConfiguration
import WhitlockCore

extension OceanDeviceConfiguration {
  /// The real driver wired to an in-process emulation of the model (`emulate = true`), so the
  /// daemon runs the same driver code it would run against hardware, byte for byte.
  func makeEmulated(_ instrument: InstrumentConfiguration) -> any Instrument {
    let simulation = instrument.simulation
    var emulated = EmulatedSpectrometerSettings(seed: simulation.seed, serial: simulation.serial)
    emulated.acquisitionsPerPoint = simulation.acquisitionsPerPoint
    emulated.pacing = simulation.pacing
    emulated.axisError = EmulatedAxisError(
      shiftCm1: simulation.axisErrorCm1, laserNanometres: simulation.laserErrorNanometres)
    emulated.excitationNanometres = excitationNanometres
    // Both tables hold the same model names; the loader checked the name against the driver's.
    let model = try? OceanModel.named(model)
    let emulatedModel = EmulatedOceanModel.all.first { $0.name == model?.name }
    guard let model, let emulatedModel else {
      return UnavailableInstrument(
        configuredID: instrument.id, reason: "no emulation of model \(self.model)")
    }
    var settings = OceanInsightSettings(
      model: model, excitationNanometres: excitationNanometres,
      integrationSeconds: instrument.exposureSeconds)
    settings.replyTimeout = .seconds(2)
    apply(to: &settings)
    if commandSet == .ooi {
      let emulator = OOIDeviceEmulator(model: emulatedModel, settings: emulated)
      return OceanInsightInstrument(
        configuredID: instrument.id, link: .usb { emulator.connectUSB() }, settings: settings,
        truth: emulator,
        calibrationTargets: emulator)
    }
    if transport == .serial {
      let emulator = OBPDeviceEmulator(model: emulatedModel, settings: emulated)
      settings.model = nil  // identify by the product ID the device reports, as on serial
      return OceanInsightInstrument(
        configuredID: instrument.id, link: .serial { emulator.connectSerial() },
        settings: settings, truth: emulator,
        calibrationTargets: emulator)
    }
    let emulator = OBPDeviceEmulator(model: emulatedModel, settings: emulated, replyEndpoint: 0x81)
    return OceanInsightInstrument(
      configuredID: instrument.id, link: .usb { emulator.connectUSB() }, settings: settings,
      truth: emulator,
      calibrationTargets: emulator)
  }
}
