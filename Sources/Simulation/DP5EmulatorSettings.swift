import AmptekDP5
import SampleModels

/// What a simulated DP5-family device is and what lies in front of it.
public struct DP5EmulatorSettings: Sendable {
  /// Device type reported in status byte 39.
  public var deviceType: DP5DeviceType = .dp5
  /// Whether a PC5 supply is present (a DP5 with PC5 reports itself as an X-123).
  public var pc5Present = true
  /// Serial number in the status.
  public var serialNumber: UInt32 = 31_337
  /// Firmware major.minor and build, FPGA major.minor.
  public var firmware: (major: UInt8, minor: UInt8, build: UInt8) = (6, 7, 3)
  /// FPGA version.
  public var fpga: (major: UInt8, minor: UInt8) = (6, 5)
  /// Detector high voltage, V.
  public var highVoltage = -110.0
  /// Detector (TEC-cooled SDD) temperature, K.
  public var detectorTemperatureKelvin = 220.0
  /// Board temperature, °C.
  public var boardTemperatureCelsius: Int8 = 34
  /// Energy span of the whole MCA, keV: channels share it, so gain per channel follows `MCAC`.
  public var energyRangeKeV = 20.48
  /// Energy of channel 0, keV.
  public var offsetKeV = 0.015
  /// The physical model of sample and detector (its channel count and gain are set from the
  /// configured `MCAC` and `energyRangeKeV`).
  public var model = XRFSampleModel()
  /// The sample under the probe.
  public var composition = XRFComposition(mgToCaMolar: 0.06)
  /// Seed of the counting noise.
  public var seed: UInt64 = 1

  /// A DP5 + PC5 with default firmware in front of a sample with Mg/Ca 0.06.
  public init() {}

  /// keV per channel at `channels` channels.
  public func keVPerChannel(channels: Int) -> Double { energyRangeKeV / Double(channels) }
}
