import InstrumentFamilyKit
import SampleModels
import Simulation
import WhitlockConfiguration
import WhitlockCore

/// Physically modelled instruments inside the daemon (`driver = "simulated"`), Raman or XRF, for
/// the embedded demo and tests. They need no device and take no `[device]` table.
struct SimulatedFamily: InstrumentFamily {
  var name: String { "simulated" }

  var drivers: [DriverDeclaration] {
    [
      DriverDeclaration(name: .simulated, kinds: [.raman, .xrf]) {
        reader, _ throws(ConfigurationError) in
        let device = try reader.table("device")
        if let first = device.table.entries.first {
          throw device.error(
            first.key, "simulated instruments take no [device] table", line: first.line)
        }
        return SimulatedDriverSettings()
      }
    ]
  }
}

/// A simulated instrument's settings live in `[instrument.simulation]`; this only builds it.
struct SimulatedDriverSettings: InstrumentDriverSettings {
  var producesSimulatedSpectra: Bool { true }
  var deviceRequirement: DeviceRequirement { .none }
  var deviceRecord: JSONValue? { nil }

  func makeInstrument(_ instrument: InstrumentConfiguration, context: InstrumentContext)
    -> any Instrument
  {
    let simulation = instrument.simulation
    switch instrument.kind {
    case .raman:
      var settings = SimulatedRamanSettings(
        seed: simulation.seed, serial: simulation.serial,
        exposureSeconds: instrument.exposureSeconds, pixelCount: simulation.channels,
        acquisitionsPerPoint: simulation.acquisitionsPerPoint, pacing: simulation.pacing)
      settings.stallAfterAcquisitions = simulation.stallAfterAcquisitions
      settings.specimen = specimen(context)
      return SimulatedRamanInstrument(configuredID: instrument.id, settings: settings)
    case .xrf:
      var settings = SimulatedXRFSettings(
        seed: simulation.seed, serial: simulation.serial,
        exposureSeconds: instrument.exposureSeconds, channelCount: simulation.channels,
        acquisitionsPerPoint: simulation.acquisitionsPerPoint, pacing: simulation.pacing)
      settings.stallAfterAcquisitions = simulation.stallAfterAcquisitions
      settings.specimen = specimen(context)
      return SimulatedXRFInstrument(configuredID: instrument.id, settings: settings)
    }
  }

  /// The simulated specimen under the simulated stage, when there is one.
  private func specimen(_ context: InstrumentContext) -> SpecimenUnderStage? {
    context.stagePosition.map { SpecimenUnderStage(specimen: SimulatedSpecimen(), position: $0) }
  }
}
