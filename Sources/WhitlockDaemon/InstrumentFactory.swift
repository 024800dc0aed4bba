import AmptekDP5
import OceanInsight
import Simulation
import Transports
import Wasatch
import WhitlockConfiguration
import WhitlockCore

/// Builds the `Instrument` a configuration entry asks for.
enum InstrumentFactory {
  /// `stateDirectory` holds small per-instrument state files (the spool root).
  static func make(_ configuration: InstrumentConfiguration, stateDirectory: String)
    -> any Instrument
  {
    switch (configuration.driver, configuration.kind) {
    case (.amptekDP5, _):
      // The loader always fills `dp5` for this driver and insists on kind "xrf".
      let dp5 = configuration.dp5!
      let port = dp5.port
      let baud = dp5.baudRate
      var settings = dp5.settings
      settings.deliveredRunFile = stateDirectory + "/.dp5-\(configuration.id).delivered"
      if dp5.transport == .usb {
        let serial = dp5.usbSerial
        let selector = USBDeviceSelector(
          vendorID: DP5USBStream.vendorID, productID: DP5USBStream.productID, serial: serial)
        return DP5Instrument(configuredID: configuration.id, settings: settings) {
          DP5USBStream(device: try selector.open())
        }
      }
      return DP5Instrument(configuredID: configuration.id, settings: settings) {
        try SerialPort.open(path: port, baudRate: baud)
      }
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
    case (.oceanOBP, _)
    where !configuration.device.emulate && configuration.device.transport == .serial:
      return serialOBP(configuration)
    case (.oceanOBP, _), (.oceanOOI, _), (.wasatch, _):
      if configuration.device.emulate { return EmulatedDeviceFactory.make(configuration) }
      return configuration.driver == .wasatch
        ? usbWasatch(configuration) : usbOcean(configuration)
    }
  }
}

extension InstrumentFactory {
  /// An Ocean Insight OBP spectrometer on a serial port (or a pseudo-terminal of `whitlock-sim obp`).
  static func serialOBP(_ configuration: InstrumentConfiguration) -> any Instrument {
    let device = configuration.device
    guard let model = try? OceanModel.named(device.model), let port = device.port else {
      return UnavailableInstrument(
        configuredID: configuration.id, reason: "no OBP model or serial port configured")
    }
    var settings = OceanInsightSettings(
      model: model, excitationNanometres: device.excitationNanometres ?? 785,
      integrationSeconds: configuration.exposureSeconds)
    // On a serial line the device reports its product ID; identify by that, as the driver does.
    settings.model = nil
    settings.expectedModel = model
    settings.apply(device)
    return OceanInsightInstrument(
      configuredID: configuration.id,
      link: .serial { try SerialPort.open(path: port, baudRate: device.baudRate) },
      settings: settings)
  }
}

extension InstrumentFactory {
  /// An Ocean Insight spectrometer (OBP or OOI by model) opened through libusb by VID/PID and,
  /// when configured, its serial number.
  static func usbOcean(_ configuration: InstrumentConfiguration) -> any Instrument {
    let device = configuration.device
    guard let model = try? OceanModel.named(device.model) else {
      return UnavailableInstrument(
        configuredID: configuration.id, reason: "no Ocean Insight model \(device.model)")
    }
    var settings = OceanInsightSettings(
      model: model, excitationNanometres: device.excitationNanometres ?? 785,
      integrationSeconds: configuration.exposureSeconds)
    settings.apply(device)
    let selector = USBDeviceSelector(
      vendorID: model.vendorID, productID: model.productID, serial: device.usbSerial)
    return OceanInsightInstrument(
      configuredID: configuration.id, link: .usb { try selector.open() }, settings: settings)
  }

  /// A Wasatch spectrometer opened through libusb (VID 0x24AA, the configured product ID).
  static func usbWasatch(_ configuration: InstrumentConfiguration) -> any Instrument {
    let device = configuration.device
    var settings = WasatchSettings(
      integrationSeconds: configuration.exposureSeconds, laserAllowed: device.laserEnabled)
    settings.laserPowerPercent = device.laserPowerPercent
    settings.excitationNanometres = device.excitationNanometres
    settings.emission = device.laserEmission
    settings.laserWatchdogSeconds = device.laserWatchdogSeconds
    let selector = USBDeviceSelector(
      vendorID: WasatchInstrument.vendorID, productID: device.productID, serial: device.usbSerial)
    return WasatchInstrument(
      configuredID: configuration.id, productID: device.productID, settings: settings,
      openDevice: { try selector.open() })
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
      if let serial = self.device.usbSerial { device.append(("usb_serial", .string(serial))) }
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
    if let dp5 { members.append(("dp5", dp5.record)) }
    return .object(members)
  }
}

extension AmptekDP5Configuration {
  /// The configuration as written into the `run-start` record.
  var record: JSONValue {
    .object([
      ("transport", .string(transport.rawValue)),
      ("port", .string(port)),
      ("baud", .int(Int64(baudRate))),
      ("channels", .int(Int64(settings.channels))),
      ("gain_kev_per_channel", .number(settings.keVPerChannel)),
      ("offset_kev", .number(settings.offsetKeV)),
      ("text", .string(settings.textCommands.map(\.description).joined())),
    ])
  }
}

extension OceanInsightSettings {
  /// Takes the link tuning (`reply_timeout_s`, `retries`) of an `[instrument.device]` table.
  mutating func apply(_ device: DeviceConfiguration) {
    if let seconds = device.replyTimeoutSeconds { replyTimeout = .seconds(seconds) }
    attempts = device.attempts
  }
}
