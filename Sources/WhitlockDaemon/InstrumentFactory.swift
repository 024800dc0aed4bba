import OceanInsight
import Simulation
import Wasatch
import WhitlockCore

/// Builds the `Instrument` a configuration entry asks for.
enum InstrumentFactory {
  static func make(_ configuration: InstrumentConfiguration) -> any Instrument {
    switch (configuration.driver, configuration.kind) {
    case (.simulated, .raman):
      let simulation = configuration.simulation
      var settings = SimulatedRamanSettings(
        seed: simulation.seed, serial: simulation.serial,
        exposureSeconds: configuration.exposureSeconds, pixelCount: simulation.channels,
        acquisitionsPerPoint: simulation.acquisitionsPerPoint, pacing: simulation.pacing)
      settings.stallAfterAcquisitions = simulation.stallAfterAcquisitions
      return SimulatedRamanInstrument(configuredID: configuration.id, settings: settings)
    case (.simulated, .xrf):
      let simulation = configuration.simulation
      var settings = SimulatedXRFSettings(
        seed: simulation.seed, serial: simulation.serial,
        exposureSeconds: configuration.exposureSeconds, channelCount: simulation.channels,
        acquisitionsPerPoint: simulation.acquisitionsPerPoint, pacing: simulation.pacing)
      settings.stallAfterAcquisitions = simulation.stallAfterAcquisitions
      return SimulatedXRFInstrument(configuredID: configuration.id, settings: settings)
    case (.oceanOBP, _), (.oceanOOI, _), (.wasatch, _):
      return EmulatedDeviceFactory.make(configuration)
    }
  }
}

extension InstrumentConfiguration {
  /// How this instrument was configured, as written into its `run-start` record.
  func record(detection: DetectionConfiguration) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("driver", .string(driver.rawValue)),
      ("exposure_s", .number(exposureSeconds)),
    ]
    if driver != .simulated {
      var device: [(String, JSONValue)] = [("emulate", .bool(self.device.emulate))]
      if !self.device.model.isEmpty { device.append(("model", .string(self.device.model))) }
      if let excitation = self.device.excitationNanometres {
        device.append(("excitation_nm", .number(excitation)))
      }
      if driver == .oceanOBP {
        device.append(("transport", .string(self.device.transport.rawValue)))
      }
      if driver == .wasatch {
        device.append(("laser_enabled", .bool(self.device.laserEnabled)))
        device.append(("laser_power_percent", .number(self.device.laserPowerPercent)))
      }
      members.append(("device", .object(device)))
    }
    if driver == .simulated || self.device.emulate {
      members.append(
        (
          "simulation",
          .object([
            ("seed", .int(Int64(clamping: simulation.seed))),
            ("serial", .string(simulation.serial)),
            ("channels", .int(Int64(simulation.channels))),
            ("acquisitions_per_point", .int(Int64(simulation.acquisitionsPerPoint))),
            ("pacing", .number(simulation.pacing)),
          ])
        ))
    }
    return .object(members)
  }
}
