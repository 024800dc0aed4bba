import Foundation
import WhitlockCore

/// An Amptek DP5-family XRF detector (DP5, X-123, PX5, DP5G, TB5, MCA8000D, DP5-X) driven over
/// any `ByteStream`: a serial port, a pseudo-terminal to the simulator, or a USB bulk pipe.
///
/// Open drains stale input, resynchronises with status requests, identifies the device from its
/// status, stops an acquisition left running, then sends the text configuration (validated for
/// the device type first) and checks it by read-back. Each acquisition clears, enables, polls the
/// status until the preset time is reached, reads spectrum + status and disables: the sequence of
/// protocols-detail.md §1.8.
///
/// Exactly once: a completed run's status is frozen until the next clear, so its counters
/// (accumulation, real time, fast and slow counts, GP counter) identify it. If `open()` finds a
/// completed run that this instrument has not delivered (the link failed between the preset and
/// the read-out, or a previous client died), it reads it before configuring and the next
/// `acquire()` returns it, marked `recovered`. A run already delivered is never read again: the
/// fingerprint of the last delivered run is kept in memory and, when `deliveredRunFile` is set,
/// on disk, so a restarted daemon knows it too. (A crash between delivery and spooling can
/// therefore lose that one run rather than spool it twice.)
public actor DP5Instrument: Instrument, RecoversAcquisitionAfterReconnect,
  DrainsStaleRepliesAtOpen
{
  /// The configured name.
  public nonisolated let configuredID: String
  /// Always `.xrf`.
  public nonisolated let kind: InstrumentKind = .xrf
  /// The settings it was created with.
  public nonisolated let settings: DP5InstrumentSettings
  private let openStream: @Sendable () async throws -> any ByteStream

  private var connection: DP5Connection?
  private var identity: InstrumentIdentity?
  private var sentConfiguration = ""
  private var staleBytesAtOpen = 0

  public var staleBytesAtLastOpen: Int { staleBytesAtOpen }
  private var sequence: UInt64 = 0
  private var lastDelivered: RunFingerprint?
  private var linkCounters = DP5Connection.Counters()
  private var linkHealthy = false
  private var recovered: (spectrum: DP5Spectrum, startedAt: Date)?

  /// Creates a closed instrument; `openStream` opens the transport each time `open()` runs.
  public init(
    configuredID: String, settings: DP5InstrumentSettings,
    openStream: @escaping @Sendable () async throws -> any ByteStream
  ) {
    self.configuredID = configuredID
    self.settings = settings
    self.openStream = openStream
  }

  /// Opens, resynchronises, identifies and configures the device.
  public func open() async throws -> InstrumentIdentity {
    await close()
    staleBytesAtOpen = 0
    guard DP5Spectrum.channelCounts.contains(settings.channels) else {
      throw InstrumentError(.configuration, "channels must be 256…8192 in powers of two")
    }
    if lastDelivered == nil { lastDelivered = RunFingerprint.load(from: settings.deliveredRunFile) }
    let link = DP5Connection(stream: try await openStream(), policy: settings.link)
    connection = link
    do {
      staleBytesAtOpen = try await link.drain()
      var status = try await requestStatus(link)
      if status.mcaEnabled {
        try await link.command(.disableMCA)
        status = try await requestStatus(link)
      }
      if status.presetTimeReached, status.accumulationMilliseconds > 0,
        RunFingerprint(status) != lastDelivered, recovered == nil
      {
        recovered = (try await readSpectrum(link, channels: nil), Date())
      }
      try await configure(link, status: status)
      let opened = InstrumentIdentity(
        id: configuredID, kind: .xrf, model: status.modelName,
        serial: status.serialNumber.map(String.init) ?? "none", family: "amptek-dp5",
        firmware: "\(status.firmwareVersion) (FPGA \(status.fpgaVersion))")
      identity = opened
      linkHealthy = true
      return opened
    } catch let failure as DP5RequestFailure {
      await close()
      throw failure.instrumentError
    } catch let error as DP5ProtocolError {
      await close()
      throw error.instrumentError
    } catch {
      await close()
      throw error
    }
  }

  /// One spectrum of the preset time.
  public func acquire() async throws -> Acquisition {
    guard let link = connection, let identity else {
      throw InstrumentError(.disconnected, "DP5 \(configuredID) is not open")
    }
    if let (spectrum, startedAt) = recovered {
      recovered = nil
      sequence += 1
      return deliver(spectrum, startedAt: startedAt, recovered: true, identity: identity)
    }
    do {
      return try await acquire(link, identity: identity)
    } catch is CancellationError {
      Task { try? await link.command(.disableMCA) }
      throw CancellationError()
    } catch let failure as DP5RequestFailure {
      linkHealthy = false
      throw failure.instrumentError
    } catch let error as DP5ProtocolError {
      linkHealthy = false
      throw error.instrumentError
    } catch {
      linkHealthy = false
      throw error
    }
  }

  /// Closes the transport; safe to call repeatedly. If the link is healthy and the device still
  /// holds the run this instrument delivered last, that run is cleared first, so that a daemon
  /// started later does not take it for an unread run and spool it twice. (After a crash or a
  /// broken link it stays; its frozen counters in the records make such a repeat recognisable.)
  public func close() async {
    if let connection {
      if linkHealthy, let delivered = lastDelivered {
        // Not cancellable: close() runs while the daemon shuts down, often in a cancelled task.
        await Task {
          let status = try? await connection.transact(
            .status, replyBytes: DP5Status.byteCount, expecting: "a status"
          ) { response -> DP5Status? in
            if case .status(let status) = response { return status }
            return nil
          }
          if let status, RunFingerprint(status) == delivered {
            try? await connection.command(.clearSpectrum)
          }
        }.value
      }
      linkHealthy = false
      await connection.close()
    }
    connection = nil
    identity = nil
  }

  private func requestStatus(_ link: DP5Connection) async throws -> DP5Status {
    try await link.transact(.status, replyBytes: DP5Status.byteCount, expecting: "a status") {
      if case .status(let status) = $0 { return status }
      return nil
    }
  }

  private func configure(_ link: DP5Connection, status: DP5Status) async throws {
    let commands = settings.commands(for: status.deviceType)
    for command in commands {
      if let problem = DP5TextSettings.problem(
        with: command, deviceType: status.deviceType, pc5Present: status.pc5Present)
      {
        throw InstrumentError(.configuration, "DP5 setting \(command): \(problem)")
      }
    }
    for text in DP5TextCommand.packetTexts(commands) {
      try await link.command(.textConfiguration(text, persist: settings.persistConfiguration))
    }
    sentConfiguration = commands.map(\.description).joined()
    let queries = commands.map { DP5TextCommand(key: $0.key, value: "?") }
    var readBack: [String: String] = [:]
    for text in DP5TextCommand.packetTexts(queries) {
      let reply = try await link.transact(
        .textReadback(text), replyBytes: text.utf8.count * 4, expecting: "a configuration read-back"
      ) { response -> String? in
        if case .configurationReadback(let text) = response { return text }
        return nil
      }
      guard let parsed = DP5TextCommand.parseList(reply) else {
        throw InstrumentError(.protocolViolation, "unreadable configuration read-back \"\(reply)\"")
      }
      for command in parsed { readBack[command.key] = command.value }
    }
    for command in commands {
      guard let value = readBack[command.key] else {
        throw InstrumentError(.protocolViolation, "read-back lacks \(command.key)")
      }
      guard DP5TextSettings.readbackMatches(sent: command.value, received: value) else {
        throw InstrumentError(
          .configuration, "device kept \(command.key)=\(value) after being sent \(command)")
      }
    }
  }

  private func acquire(_ link: DP5Connection, identity: InstrumentIdentity) async throws
    -> Acquisition
  {
    sequence += 1
    try await link.command(.clearSpectrum)
    let startedAt = Date()
    try await link.command(.enableMCA)
    let clock = ContinuousClock()
    let giveUp = clock.now + .seconds(settings.presetSeconds + settings.presetSlackSeconds)
    let interval = min(
      max(settings.pollIntervalSeconds, 0.02), max(settings.presetSeconds / 4, 0.02))
    while true {
      try await Task.sleep(for: .seconds(interval))
      let status = try await requestStatus(link)
      if status.presetTimeReached || status.presetLiveTimeReached { break }
      if !status.mcaEnabled {
        throw InstrumentError(
          .deviceRejected,
          "MCA stopped after \(status.accumulationSeconds) s of the \(settings.presetSeconds) s "
            + "preset (device reset or another client disabled it)")
      }
      if clock.now > giveUp {
        throw InstrumentError(
          .timeout,
          "preset time \(settings.presetSeconds) s not reached; accumulation stands at "
            + "\(status.accumulationSeconds) s")
      }
    }
    let spectrum = try await readSpectrum(link, channels: settings.channels)
    try await link.command(.disableMCA)
    return deliver(spectrum, startedAt: startedAt, recovered: false, identity: identity)
  }

  /// Reads spectrum + status; `channels` is the expected count, `nil` to accept any.
  private func readSpectrum(_ link: DP5Connection, channels: Int?) async throws -> DP5Spectrum {
    let size = (channels ?? 8192) * 3 + DP5Status.byteCount
    let spectrum = try await link.transact(
      .spectrum(withStatus: true, clear: false), replyBytes: size,
      expecting: "a \(channels.map(String.init) ?? "")-channel spectrum with status"
    ) { response -> DP5Spectrum? in
      if case .spectrum(let spectrum) = response, spectrum.status != nil,
        channels == nil || spectrum.counts.count == channels
      {
        return spectrum
      }
      return nil
    }
    linkCounters = await link.counters
    return spectrum
  }

  /// Turns a read-out into an acquisition and remembers it as delivered.
  private func deliver(
    _ spectrum: DP5Spectrum, startedAt: Date, recovered: Bool, identity: InstrumentIdentity
  ) -> Acquisition {
    let status = spectrum.status ?? DP5Status()
    let fingerprint = RunFingerprint(status)
    lastDelivered = fingerprint
    fingerprint.store(at: settings.deliveredRunFile)
    var parameters = parameters(status: status, channels: spectrum.counts.count)
    if recovered { parameters.append(("recovered", .bool(true))) }
    return Acquisition(
      instrument: identity, deviceSequence: sequence, startedAt: startedAt, endedAt: Date(),
      counts: spectrum.counts,
      axis: .linearEnergy(keVPerChannel: settings.keVPerChannel, offsetKeV: settings.offsetKeV),
      exposureSeconds: status.accumulationSeconds, fullScale: DP5Spectrum.fullScale,
      parameters: parameters)
  }

  private func parameters(status: DP5Status, channels: Int) -> [(String, JSONValue)] {
    let counters = linkCounters
    let time = status.accumulationSeconds
    var members: [(String, JSONValue)] = [
      ("channels", .int(Int64(channels))),
      ("preset_time_s", .number(settings.presetSeconds)),
      ("accumulation_time_s", .number(time)),
      ("real_time_s", .number(status.realTimeSeconds)),
      ("fast_count", .int(Int64(status.fastCount))),
      ("slow_count", .int(Int64(status.slowCount))),
      ("gp_count", .int(Int64(status.generalPurposeCount))),
      ("dead_time_fraction", .number(status.deadTimeFraction)),
      ("input_count_rate_cps", .number(time > 0 ? Double(status.fastCount) / time : nil)),
      ("output_count_rate_cps", .number(time > 0 ? Double(status.slowCount) / time : nil)),
      ("high_voltage_v", .number(status.highVoltage)),
      ("detector_temperature_k", .number(status.detectorTemperatureKelvin)),
      ("board_temperature_c", .int(Int64(status.boardTemperatureCelsius))),
      ("device_type", .string(status.deviceType.name)),
      ("firmware", .string(status.firmwareVersion)),
      ("fpga", .string(status.fpgaVersion)),
      ("configuration", .string(sentConfiguration)),
      ("link_retries", .int(Int64(counters.retries))),
      ("link_skipped_bytes", .int(Int64(counters.skippedBytes))),
      ("link_corrupted_frames", .int(Int64(counters.corruptedFrames))),
      ("stale_bytes_at_open", .int(Int64(staleBytesAtOpen))),
    ]
    if status.deviceType == .mca8000d {
      members.append(("live_time_s", .number(status.liveTimeSeconds)))
    }
    return members
  }
}

/// What identifies one completed run on the device: the serial number and its frozen status
/// counters.
struct RunFingerprint: Equatable, Sendable {
  var serial: UInt32
  var accumulation: UInt32
  var realTime: UInt32
  var fast: UInt32
  var slow: UInt32
  var generalPurpose: UInt32

  init(_ status: DP5Status) {
    serial = status.serialNumber ?? 0
    accumulation = status.accumulationMilliseconds
    realTime = status.realTimeMilliseconds
    fast = status.fastCount
    slow = status.slowCount
    generalPurpose = status.generalPurposeCount
  }

  /// The fingerprint as one line of six decimal numbers.
  var line: String {
    [serial, accumulation, realTime, fast, slow, generalPurpose].map(String.init)
      .joined(separator: " ")
  }

  /// Parses `line`; `nil` for anything else.
  init?(line: String) {
    let numbers = line.split(whereSeparator: \.isWhitespace).compactMap { UInt32($0) }
    guard numbers.count == 6 else { return nil }
    serial = numbers[0]
    accumulation = numbers[1]
    realTime = numbers[2]
    fast = numbers[3]
    slow = numbers[4]
    generalPurpose = numbers[5]
  }

  /// The fingerprint stored at `path`, if any.
  static func load(from path: String?) -> RunFingerprint? {
    guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      return nil
    }
    return RunFingerprint(line: text)
  }

  /// Stores the fingerprint at `path` (write to a temporary file, then rename).
  func store(at path: String?) {
    guard let path else { return }
    try? (line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
  }
}
