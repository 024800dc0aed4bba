import AmptekDP5
import Foundation
import SampleModels

/// The device side of an Amptek DP5-family pulse processor, answering protocol packets like the
/// hardware: the same codec as the driver, with counts that accumulate in real time while the
/// MCA is enabled.
///
/// Counts are drawn lazily: whenever a request needs the state, the accumulation since the last
/// look is turned into Poisson counts per channel (rate × Δlive time, with the model's
/// paralyzable dead time), so successive spectra of one run only grow, and the preset time stops
/// the MCA exactly at the preset. Text configuration is validated as the device would, and
/// rejected with the matching error ACK (unrecognised command, bad parameter, PC5 not present).
///
/// The general-purpose counter counts completed presets: the simulator's convention so a test
/// can tell which run a spectrum came from.
public struct DP5Emulator: Sendable {
  /// The device and sample.
  public let settings: DP5EmulatorSettings
  private var random: RandomSource
  private var configuration: [String: String] = [:]
  private var channels = 1024
  private var presetSeconds: Double?
  private var rates: [Double] = []
  private var inputRate = 0.0
  private var liveFraction = 1.0
  private var counts: [UInt32] = []
  private var fastCount: UInt64 = 0
  private var slowCount: UInt64 = 0
  private var completedPresets: UInt32 = 0
  private var accumulatedBefore = 0.0
  private var enabledAt: ContinuousClock.Instant?
  private var sampledUpTo = 0.0
  private var presetReached = false
  /// Requests answered so far.
  public private(set) var requestCount = 0

  /// A powered-up device with the SDK's default of 1024 channels and no preset.
  public init(settings: DP5EmulatorSettings) {
    self.settings = settings
    self.random = RandomSource(seed: settings.seed)
    configuration = ["MCAC": "1024", "PRET": "OFF", "GAIN": "10.0", "THSL": "1.0"]
    setChannels(1024)
  }

  /// Whether the MCA is acquiring at `now`.
  public mutating func isAcquiring(at now: ContinuousClock.Instant) -> Bool {
    advance(to: now)
    return enabledAt != nil
  }

  /// Presets completed since power-up.
  public var presetsCompleted: UInt32 { completedPresets }

  /// The reply to one request packet.
  public mutating func respond(to packet: DP5Packet, at now: ContinuousClock.Instant)
    -> DP5Response
  {
    requestCount += 1
    let request: DP5Request
    do { request = try DP5Request(packet: packet) } catch { return .rejection(error) }
    advance(to: now)
    switch request {
    case .status:
      return .status(status())
    case .spectrum(let withStatus, let clear):
      let reply = DP5Spectrum(counts: counts, status: withStatus ? status() : nil)
      if clear { clearSpectrum(at: now) }
      return .spectrum(reply)
    case .textConfiguration(let text, _):
      return configure(text, at: now)
    case .textReadback(let text):
      return readBack(text)
    case .clearSpectrum:
      clearSpectrum(at: now)
      return .ok
    case .enableMCA:
      if enabledAt == nil, !presetReached { enabledAt = now }
      return .ok
    case .disableMCA:
      if let start = enabledAt {
        accumulatedBefore = accumulation(since: start, at: now)
        enabledAt = nil
      }
      return .ok
    case .keepAliveNoSharing:
      return .ok
    case .netfinder:
      return .rejection(.featureNotSupported)
    case .echo(let data):
      return .echo(data)
    }
  }

  private func accumulation(since start: ContinuousClock.Instant, at now: ContinuousClock.Instant)
    -> Double
  {
    let elapsed = now - start
    let seconds =
      Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return accumulatedBefore + max(seconds, 0)
  }

  /// Brings counts and timers up to `now`, stopping at the preset.
  private mutating func advance(to now: ContinuousClock.Instant) {
    guard let start = enabledAt else { return }
    var total = accumulation(since: start, at: now)
    if let preset = presetSeconds, total >= preset {
      total = preset
      enabledAt = nil
      accumulatedBefore = preset
      presetReached = true
      completedPresets &+= 1
    }
    let step = total - sampledUpTo
    guard step > 0 else { return }
    sampledUpTo = total
    let live = step * liveFraction
    var added: UInt64 = 0
    for channel in 0..<counts.count {
      let increment = random.poisson(mean: rates[channel] * live)
      let value = UInt64(counts[channel]) + UInt64(increment)
      counts[channel] = UInt32(min(value, UInt64(UInt32.max)))
      added += UInt64(increment)
    }
    slowCount += added
    fastCount += UInt64(random.poisson(mean: inputRate * step))
  }

  private mutating func clearSpectrum(at now: ContinuousClock.Instant) {
    counts = [UInt32](repeating: 0, count: channels)
    fastCount = 0
    slowCount = 0
    accumulatedBefore = 0
    sampledUpTo = 0
    presetReached = false
    if enabledAt != nil { enabledAt = now }
  }

  private mutating func setChannels(_ count: Int) {
    channels = count
    var model = settings.model
    model.channelCount = count
    model.keVPerChannel = settings.keVPerChannel(channels: count)
    model.offsetKeV = settings.offsetKeV
    rates = model.expectedRates(for: settings.composition)
    inputRate = rates.reduce(0, +)
    liveFraction = exp(-inputRate * max(model.deadTimePerEvent, 0))
    counts = [UInt32](repeating: 0, count: count)
    sampledUpTo = 0
    accumulatedBefore = 0
    fastCount = 0
    slowCount = 0
  }

  private func status() -> DP5Status {
    var status = DP5Status()
    status.fastCount = UInt32(truncatingIfNeeded: fastCount)
    status.slowCount = UInt32(truncatingIfNeeded: slowCount)
    status.generalPurposeCount = completedPresets
    let milliseconds = UInt32((sampledUpTo * 1000).rounded())
    status.accumulationMilliseconds = milliseconds
    status.realTimeMilliseconds = milliseconds
    status.liveTimeMilliseconds = UInt32((sampledUpTo * liveFraction * 1000).rounded())
    status.firmwareMajor = settings.firmware.major
    status.firmwareMinor = settings.firmware.minor
    status.firmwareBuild = settings.firmware.build
    status.fpgaMajor = settings.fpga.major
    status.fpgaMinor = settings.fpga.minor
    status.serialNumber = settings.serialNumber
    status.highVoltageRaw = Int16(clamping: Int((settings.highVoltage * 2).rounded()))
    status.detectorTemperatureRaw = UInt16(
      clamping: Int((settings.detectorTemperatureKelvin * 10).rounded()))
    status.boardTemperatureCelsius = settings.boardTemperatureCelsius
    status.presetTimeReached = presetReached
    status.mcaEnabled = enabledAt != nil
    status.unitConfigured = true
    status.pc5Present = settings.pc5Present
    status.deviceType = settings.deviceType
    return status
  }

  private mutating func configure(_ text: String, at now: ContinuousClock.Instant) -> DP5Response {
    guard let commands = DP5TextCommand.parseList(text) else {
      return .rejection(.unrecognizedCommand(command: text))
    }
    for command in commands {
      if let rejection = rejection(of: command) { return .rejection(rejection) }
      configuration[command.key] = command.value
      switch command.key {
      case "MCAC": setChannels(Int(command.value) ?? channels)
      case "PRET", "PRER":
        presetSeconds = command.value == "OFF" ? nil : Double(command.value)
      case "RESC":
        configuration = ["MCAC": "1024", "PRET": "OFF"]
        presetSeconds = nil
        setChannels(1024)
      default: break
      }
    }
    _ = now
    return .ok
  }

  private func rejection(of command: DP5TextCommand) -> DP5DeviceError? {
    let text = command.description
    guard DP5TextCommand.isWellFormedKey(command.key), DP5TextSettings.rules[command.key] != nil
    else { return .unrecognizedCommand(command: text) }
    if command.key == "HVSE",
      DP5TextSettings.refusal(
        of: "HVSE", by: settings.deviceType, pc5Present: settings.pc5Present) != nil
    {
      return .pc5NotPresent(command: text)
    }
    if DP5TextSettings.refusal(
      of: command.key, by: settings.deviceType, pc5Present: settings.pc5Present) != nil
    {
      return .unrecognizedCommand(command: text)
    }
    if DP5TextSettings.problem(with: command) != nil { return .badParameter(command: text) }
    return nil
  }

  private func readBack(_ text: String) -> DP5Response {
    guard let queries = DP5TextCommand.parseList(text) else {
      return .rejection(.unrecognizedCommand(command: text))
    }
    var reply = ""
    for query in queries {
      guard DP5TextSettings.rules[query.key] != nil, query.value == "?" else {
        return .rejection(.unrecognizedCommand(command: query.description))
      }
      reply += "\(query.key)=\(configuration[query.key] ?? "OFF");"
    }
    return .configurationReadback(reply)
  }
}
