import WhitlockCore

/// The legacy OOI command set over a USB device's bulk endpoints.
///
/// Commands go to the OUT endpoint; short replies come on the low-speed IN endpoint; spectra on
/// the high-speed one, split over EP 0x86 (first 2048 bytes) and 0x82 on the 4K models at high
/// speed (python-seabreeze 2.11.0 `SeaBreezeSpectrometerFeatureOOIFPGA4K`).
public actor OOISession {
  public let device: any USBInterface
  public let model: OceanModel
  public var replyTimeout: Duration
  /// Tries per query: a stalled, babbled or timed-out reply is drained and asked for again
  /// (queries only read state, so repeating one is harmless).
  public var attempts: Int
  /// Whether the device said it runs at USB high speed (status byte 14 = 0x80).
  public private(set) var isHighSpeed = true

  public init(
    device: any USBInterface, model: OceanModel, replyTimeout: Duration = .seconds(1),
    attempts: Int = 3
  ) {
    self.device = device
    self.model = model
    self.replyTimeout = replyTimeout
    self.attempts = max(1, attempts)
  }

  /// Queries the device were asked again after a failed reply, since the session began.
  public private(set) var retries = 0

  /// Sends `command` and reads its `length`-byte reply from the low-speed endpoint, asking
  /// again (after draining the endpoint) when the reply fails on the bus or does not parse.
  private func query<Reply>(
    _ command: OOICommand, length: Int, _ parse: ([UInt8]) throws -> Reply
  ) async throws -> Reply {
    var attempt = 1
    while true {
      do {
        try await send(command)
        return try parse(
          try await read(length, from: model.endpoints.lowSpeedIn, timeout: replyTimeout))
      } catch let error as InstrumentError where error.category == .disconnected {
        throw error
      } catch {
        guard attempt < attempts else { throw error }
        attempt += 1
        retries += 1
        _ = try? await drain(only: [model.endpoints.lowSpeedIn])
      }
    }
  }

  /// Empties every IN endpoint; returns the bytes dropped.
  @discardableResult
  public func drain() async throws -> Int {
    try await drain(
      only: [
        model.endpoints.lowSpeedIn, model.endpoints.highSpeedIn, model.endpoints.highSpeedIn2,
      ].compactMap { $0 })
  }

  /// Empties `endpoints`; returns the bytes dropped.
  private func drain(only endpoints: [UInt8]) async throws -> Int {
    try await USBBulkLink(
      device: device, outEndpoint: model.endpoints.out, inEndpoint: model.endpoints.lowSpeedIn,
      drainEndpoints: endpoints
    ).drain()
  }

  /// Sends one command.
  public func send(_ command: OOICommand) async throws {
    try await device.bulkWrite(endpoint: model.endpoints.out, command.bytes, timeout: replyTimeout)
  }

  /// Reads exactly `count` bytes from `endpoint`.
  private func read(_ count: Int, from endpoint: UInt8, timeout: Duration) async throws -> [UInt8] {
    var bytes: [UInt8] = []
    let deadline = ContinuousClock.now + timeout
    while bytes.count < count {
      let remaining = deadline - .now
      guard remaining > .zero else {
        throw InstrumentError(
          .timeout, "\(device.name): \(bytes.count) of \(count) bytes from EP \(endpoint) in time")
      }
      bytes += try await device.bulkRead(
        endpoint: endpoint, maxLength: count - bytes.count, timeout: remaining)
    }
    return bytes
  }

  /// Reads the 16-byte status and remembers the USB speed.
  public func status() async throws -> OOIReply.Status {
    let status = try await query(.queryStatus, length: 16) { try OOIReply.Status($0) }
    isHighSpeed = status.isHighSpeed
    return status
  }

  /// Text of EEPROM slot `slot`.
  public func slotText(_ slot: UInt8) async throws -> String {
    try await query(.queryInformation(slot: slot), length: 17) {
      try OOIReply.slotText($0, slot: slot)
    }
  }

  /// A number from EEPROM slot `slot`.
  public func slotNumber(_ slot: UInt8) async throws -> Double {
    try await query(.queryInformation(slot: slot), length: 17) {
      try OOIReply.slotNumber($0, slot: slot)
    }
  }

  /// Requests a spectrum and reads its raw bytes, waiting up to the integration time plus the
  /// reply timeout.
  public func rawSpectrum(integration: Duration) async throws -> [UInt8] {
    try await send(.requestSpectrum)
    let length = model.rawSpectrumLength
    let timeout = integration + replyTimeout
    guard isHighSpeed, let high = model.endpoints.highSpeedIn else {
      return try await read(length, from: model.endpoints.lowSpeedIn, timeout: timeout)
    }
    if model.splitsHighSpeedReadout, let first = model.endpoints.highSpeedIn2 {
      let head = try await read(2048, from: first, timeout: timeout)
      return head + (try await read(length - 2048, from: high, timeout: timeout))
    }
    return try await read(length, from: high, timeout: timeout)
  }
}
