import Simulation
import WhitlockCore

/// A device emulation ready to sit on the emulated USB bus: its descriptors, the transfers it
/// answers, and what a client should read from it (for test checks and the ready line).
public struct EmulatedUSBDevice: Sendable {
  /// The instrument families that can be put on the bus.
  public enum Family: String, Sendable, CaseIterable {
    case oceanOOI = "ocean-ooi"
    case oceanOBP = "ocean-obp"
    case wasatch
    case dp5
  }

  public var family: Family
  public var descriptors: USBDescriptorSet
  /// The device's transfers (a fresh connection to the emulation).
  public var connection: any USBInterface
  /// Facts a client should find, e.g. `model`, `pixels`, `wavelength_coefficients`.
  public var facts: [(String, JSONValue)]
  /// Drops everything the device had queued and keeps it off the bus until `powerOn`.
  public var powerOff: @Sendable () -> Void
  /// Brings the device back (a replug): the same emulation, nothing stale queued.
  public var powerOn: @Sendable () -> Void
  /// Where whole spectra leave the device, when an endpoint carries nothing else (OOI and
  /// Wasatch models that do not split a spectrum over two endpoints).
  public var spectrumStream: SpectrumStream? = nil
  /// Reply bytes ready for the host to read now, on every endpoint: lets a test wait until a
  /// reply that nobody reads has become ready, instead of sleeping for the exposure.
  public var readyReplyBytes: @Sendable () -> Int = { 0 }
  /// Whether the device's laser is enabled now; `nil` for devices without a laser. Lets a test
  /// see what a killed client left the laser doing.
  public var laserEnabled: @Sendable () -> Bool? = { nil }
  /// How often the device's own laser watchdog switched the laser off; `nil` without one.
  public var laserWatchdogTrips: @Sendable () -> Int? = { nil }

  /// A device of `family`; `model` names the Ocean Insight model (ignored otherwise) and
  /// `productID` overrides the USB product ID in the descriptors (a device of the wrong model
  /// on the configured VID/PID).
  public static func make(
    family: Family, model: String, settings: EmulatedSpectrometerSettings,
    wasatchProductID: UInt16 = 0x1000, wasatchPixels: Int = 1024, productID: UInt16? = nil
  ) throws(InstrumentError) -> EmulatedUSBDevice {
    switch family {
    case .oceanOOI, .oceanOBP:
      let wantOBP = family == .oceanOBP
      guard
        let emulated = EmulatedOceanModel.all.first(where: {
          $0.name == model.uppercased() && $0.isOBP == wantOBP
        })
      else {
        let names = EmulatedOceanModel.all.filter { $0.isOBP == wantOBP }.map(\.name)
        throw InstrumentError(
          .configuration,
          "\(model) is not an \(family.rawValue) model (\(names.joined(separator: ", ")))")
      }
      var endpoints = [USBDescriptorSet.Endpoint(address: 0x01), .init(address: 0x81)]
      if !wantOBP { endpoints += [.init(address: 0x82), .init(address: 0x86)] }
      let descriptors = USBDescriptorSet(
        vendorID: 0x2457, productID: productID ?? emulated.productID,
        manufacturer: "Ocean Optics", product: emulated.name, serial: settings.serial,
        endpoints: endpoints)
      if wantOBP {
        let emulator = OBPDeviceEmulator(model: emulated, settings: settings, replyEndpoint: 0x81)
        return EmulatedUSBDevice(
          family: family, descriptors: descriptors, connection: emulator.connectUSB(),
          facts: oceanFacts(emulated, coefficients: emulator.wavelengthCoefficients),
          powerOff: { emulator.output.powerOff() }, powerOn: { _ = emulator.connectUSB() },
          readyReplyBytes: { emulator.output.readyCount() })
      }
      let emulator = OOIDeviceEmulator(model: emulated, settings: settings)
      var stream: SpectrumStream?
      if case .ooiWords(let mask, false) = emulated.readout {
        stream = SpectrumStream(
          endpoint: 0x82, messageBytes: 2 * emulated.pixelCount + 1,
          pixelCount: emulated.pixelCount, flipMask: mask)
      }
      return EmulatedUSBDevice(
        family: family, descriptors: descriptors, connection: emulator.connectUSB(),
        facts: oceanFacts(emulated, coefficients: emulator.wavelengthCoefficients),
        powerOff: { emulator.output.powerOff() }, powerOn: { _ = emulator.connectUSB() },
        spectrumStream: stream, readyReplyBytes: { emulator.output.readyCount() })
    case .wasatch:
      let emulator = WasatchDeviceEmulator(
        productID: wasatchProductID, pixelCount: wasatchPixels, settings: settings)
      let descriptors = USBDescriptorSet(
        vendorID: 0x24AA, productID: productID ?? wasatchProductID,
        manufacturer: "Wasatch Photonics", product: emulator.modelName, serial: settings.serial,
        endpoints: [.init(address: 0x82), .init(address: 0x86)])
      return EmulatedUSBDevice(
        family: family, descriptors: descriptors, connection: emulator.connectUSB(),
        facts: [
          ("model", .string(emulator.modelName)), ("pixels", .int(Int64(wasatchPixels))),
          ("emulated_product_id", .int(Int64(wasatchProductID))),
          (
            "wavelength_coefficients",
            .array(emulator.wavelengthCoefficients.map { .double(Double(Float($0))) })
          ),
          ("excitation_nm", .double(settings.excitationNanometres)),
        ],
        powerOff: { emulator.output.powerOff() }, powerOn: { _ = emulator.connectUSB() },
        spectrumStream: wasatchPixels == 2048 && wasatchProductID != 0x4000
          ? nil
          : SpectrumStream(
            endpoint: 0x82, messageBytes: 2 * wasatchPixels, pixelCount: wasatchPixels,
            flipMask: 0),
        readyReplyBytes: { emulator.output.readyCount() },
        laserEnabled: { emulator.laserEnabled },
        laserWatchdogTrips: { wasatchProductID == 0x4000 ? emulator.laserWatchdogTrips : nil })
    case .dp5:
      var dp5 = DP5EmulatorSettings()
      dp5.serialNumber = UInt32(settings.serial.filter(\.isNumber).prefix(9)) ?? 31_337
      dp5.seed = settings.seed
      let device = DP5VirtualUSBDevice(emulator: DP5Emulator(settings: dp5))
      let descriptors = USBDescriptorSet(
        vendorID: 0x10C4, productID: productID ?? 0x842A, manufacturer: "Amptek",
        product: "DP5", serial: String(dp5.serialNumber),
        endpoints: [
          .init(address: 0x02, maxPacketSize: 64), .init(address: 0x81, maxPacketSize: 64),
        ])
      return EmulatedUSBDevice(
        family: family, descriptors: descriptors, connection: device,
        facts: [("model", .string("DP5")), ("serial_number", .int(Int64(dp5.serialNumber)))],
        powerOff: { Task { await device.discardReplies() } }, powerOn: {})
    }
  }

  private static func oceanFacts(_ model: EmulatedOceanModel, coefficients: [Double])
    -> [(String, JSONValue)]
  {
    [
      ("model", .string(model.name)), ("pixels", .int(Int64(model.pixelCount))),
      ("wavelength_coefficients", .array(coefficients.map { .double($0) })),
    ]
  }
}
