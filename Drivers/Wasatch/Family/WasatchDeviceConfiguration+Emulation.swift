import Simulation
import Wasatch
import WhitlockConfiguration
import WhitlockCore

extension WasatchDeviceConfiguration {
  /// The real driver wired to an in-process emulation of the board (`emulate = true`), so the
  /// daemon runs the same driver code it would run against hardware, byte for byte.
  func makeEmulated(_ instrument: InstrumentConfiguration, settings: WasatchSettings)
    -> any Instrument
  {
    let simulation = instrument.simulation
    var emulated = EmulatedSpectrometerSettings(seed: simulation.seed, serial: simulation.serial)
    emulated.acquisitionsPerPoint = simulation.acquisitionsPerPoint
    emulated.pacing = simulation.pacing
    emulated.axisError = EmulatedAxisError(
      shiftCm1: simulation.axisErrorCm1, laserNanometres: simulation.laserErrorNanometres)
    emulated.excitationNanometres = excitationNanometres ?? 785
    let emulator = WasatchDeviceEmulator(
      productID: productID, pixelCount: simulation.channels, settings: emulated)
    return WasatchInstrument(
      configuredID: instrument.id, productID: productID, settings: settings,
      openDevice: { emulator.connectUSB() }, truth: emulator,
      calibrationTargets: emulator)
  }
}
