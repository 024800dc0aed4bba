import Foundation
import WhitlockCore

/// An Ocean Insight Raman spectrometer (OBP over serial or USB, or OOI over USB).
///
/// `open()` opens the transport, drains stale replies, resynchronises, identifies the device
/// (serial number and model), reads its wavelength calibration and sets the integration time
/// within the model's limits. `acquire()` reads one spectrum and returns it with the device's
/// wavelength polynomial and the configured excitation, so every record maps pixel → wavelength →
/// Raman shift.
public actor OceanInsightInstrument: Instrument, DrainsStaleRepliesAtOpen, AdjustsExposure,
  PlacesCalibrationTargets
{
  public nonisolated let configuredID: String
  public nonisolated let kind: InstrumentKind = .raman
  public nonisolated let settings: OceanInsightSettings
  private let link: OceanInsightLink
  private let truth: (any SimulationTruthSource)?
  /// What puts a lamp or standard in the beam, when something can (the emulation's operator).
  public nonisolated let calibrationTargets: (any CalibrationTargetChanger)?

  private enum Connection {
    case obp(OBPSession, close: @Sendable () async -> Void)
    case ooi(OOISession, close: @Sendable () async -> Void)
  }

  private struct Opened {
    var identity: InstrumentIdentity
    var model: OceanModel
    var coefficients: [Double]
    var integrationValue: UInt32
    var drainedBytes: Int
    /// The EEPROM non-linearity coefficients' check (OOI protocol): "passed" or why they are
    /// not to be trusted; `nil` where the protocol path does not read them.
    var nonlinearityCheck: String? = nil
    /// The EEPROM non-linearity polynomial (order 0 first), `nil` where not read.
    var nonlinearity: [Double]? = nil
  }

  private var connection: Connection?
  private var opened: Opened?
  private var sequence: UInt64 = 0

  /// A closed instrument; `truth` and `calibrationTargets` are given only for in-process device
  /// emulations.
  public init(
    configuredID: String, link: OceanInsightLink, settings: OceanInsightSettings,
    truth: (any SimulationTruthSource)? = nil,
    calibrationTargets: (any CalibrationTargetChanger)? = nil
  ) {
    self.configuredID = configuredID
    self.link = link
    self.settings = settings
    self.truth = truth
    self.calibrationTargets = calibrationTargets
  }

  public func open() async throws -> InstrumentIdentity {
    await close()
    staleBytesAtLastOpen = 0
    do {
      let result: Opened
      switch link {
      case .serial(let openStream):
        let stream = try await openStream()
        let session = OBPSession(
          link: ByteStreamLink(stream: stream), replyTimeout: settings.replyTimeout,
          attempts: settings.attempts)
        connection = .obp(session, close: { await stream.close() })
        result = try await openOBP(session, model: settings.model, transport: "serial")
      case .usb(let openDevice):
        guard let model = settings.model else {
          throw InstrumentError(.configuration, "a USB Ocean Insight device needs its model")
        }
        let device = try await openDevice()
        switch model.commandSet {
        case .obp:
          let session = OBPSession(
            link: USBBulkLink(
              device: device, outEndpoint: model.endpoints.out,
              inEndpoint: model.endpoints.lowSpeedIn, drainEndpoints: [model.endpoints.lowSpeedIn]),
            replyTimeout: settings.replyTimeout, attempts: settings.attempts)
          connection = .obp(session, close: { await device.close() })
          result = try await openOBP(session, model: model, transport: "usb")
        case .ooi:
          let session = OOISession(
            device: device, model: model, replyTimeout: settings.replyTimeout,
            attempts: settings.attempts)
          connection = .ooi(session, close: { await device.close() })
          result = try await openOOI(session, model: model)
        }
      }
      opened = result
      sequence = 0
      return result.identity
    } catch {
      await close()
      throw error
    }
  }

  private func identity(model: OceanModel, serial: String, family: String) -> InstrumentIdentity {
    InstrumentIdentity(
      id: configuredID, kind: .raman, model: "Ocean Insight \(model.name)", serial: serial,
      family: family)
  }

  private func openOBP(_ session: OBPSession, model configured: OceanModel?, transport: String)
    async throws -> Opened
  {
    let drained = try await session.drain()
    staleBytesAtLastOpen = drained
    let serialLength = try await session.query(OBPMessageType.serialNumberLength)
    guard serialLength.count == 1 else {
      throw OBPReplyError.payloadSize(
        messageType: OBPMessageType.serialNumberLength, expected: 1, received: serialLength.count
      ).instrumentError
    }
    let serialBytes = try await session.query(OBPMessageType.serialNumber)
    let serial = String(
      decoding: serialBytes.prefix(Int(serialLength[0])).prefix { $0 != 0 }, as: UTF8.self)
    let model: OceanModel
    if let configured {
      model = configured
    } else {
      let pid = try await session.query(OBPMessageType.originalProductID)
      guard pid.count == 2 else {
        throw OBPReplyError.payloadSize(
          messageType: OBPMessageType.originalProductID, expected: 2, received: pid.count
        ).instrumentError
      }
      model = try OceanModel.withProductID(UInt16(pid[0]) | UInt16(pid[1]) << 8)
      if let expected = settings.expectedModel, expected.productID != model.productID {
        throw InstrumentError(
          .deviceRejected,
          "\(session.link.name): device reports product ID 0x\(String(model.productID, radix: 16))"
            + " (\(model.name)), but the configuration names a \(expected.name)")
      }
    }
    guard model.commandSet == .obp else {
      throw InstrumentError(.configuration, "the \(model.name) does not speak OBP")
    }
    let count = try await session.query(OBPMessageType.wavelengthCoefficientCount)
    guard count.count == 1, (1...8).contains(count[0]) else {
      throw InstrumentError(
        .protocolViolation, "implausible wavelength coefficient count \(count)")
    }
    var coefficients: [Double] = []
    for index in 0..<count[0] {
      let bytes = try await session.query(OBPMessageType.wavelengthCoefficient, payload: [index])
      guard bytes.count == 4 else {
        throw OBPReplyError.payloadSize(
          messageType: OBPMessageType.wavelengthCoefficient, expected: 4, received: bytes.count
        ).instrumentError
      }
      coefficients.append(
        Double(Float(bitPattern: LittleEndian.read(UInt32.self, from: bytes, at: 0))))
    }
    try Self.checkAxis(coefficients, model: model)
    let value = try model.integrationValue(seconds: settings.integrationSeconds)
    try await session.command(OBPMessageType.setIntegrationTime, payload: LittleEndian.bytes(value))
    return Opened(
      identity: identity(model: model, serial: serial, family: "ocean-obp-\(transport)"),
      model: model, coefficients: coefficients, integrationValue: value, drainedBytes: drained)
  }

  private func openOOI(_ session: OOISession, model: OceanModel) async throws -> Opened {
    let drained = try await session.drain()
    staleBytesAtLastOpen = drained
    try await session.send(.initialize)
    let status = try await session.status()
    guard Int(status.pixelCount) == model.pixelCount else {
      throw InstrumentError(
        .deviceRejected,
        "device reports \(status.pixelCount) pixels; a \(model.name) has \(model.pixelCount)")
    }
    let serial = try await session.slotText(0)
    var coefficients: [Double] = []
    for slot in UInt8(1)...4 { coefficients.append(try await session.slotNumber(slot)) }
    try Self.checkAxis(coefficients, model: model)
    let (nonlinearity, polynomial) = try await Self.checkNonlinearity(session, model: model)
    let value = try model.integrationValue(seconds: settings.integrationSeconds)
    try await session.send(.setIntegrationTime(value))
    return Opened(
      identity: identity(model: model, serial: serial, family: "ocean-ooi"), model: model,
      coefficients: model.readoutCoefficients(coefficients), integrationValue: value,
      drainedBytes: drained, nonlinearityCheck: nonlinearity, nonlinearity: polynomial)
  }

  /// Reads the non-linearity polynomial (EEPROM slots 6–13, its order in slot 14) and checks it
  /// (`NonlinearityCheck`): "passed", or why the coefficients are not to be trusted (zero,
  /// not numbers, a polynomial that turns over). The device is still used; every acquisition
  /// records the verdict, and no correction is applied with coefficients that failed.
  private static func checkNonlinearity(_ session: OOISession, model: OceanModel) async throws
    -> (String, [Double]?)
  {
    var coefficients: [Double] = []
    for slot in UInt8(6)...13 {
      do { coefficients.append(try await session.slotNumber(slot)) } catch let error
        as OOIReply.Failure
      {
        return ("refused: EEPROM slot \(slot): \(error)", nil)
      }
    }
    var order = 7
    if let stored = try? await session.slotNumber(14), stored >= 0, stored <= 7 {
      order = Int(stored)
    }
    let polynomial = Array(coefficients.prefix(order + 1))
    if let problem = NonlinearityCheck.problem(
      coefficients: polynomial, fullScale: model.saturationLevel)
    {
      return ("refused: " + problem, polynomial)
    }
    return ("passed", polynomial)
  }

  /// Refuses a device whose stored wavelength polynomial cannot describe a spectrum.
  private static func checkAxis(_ coefficients: [Double], model: OceanModel) throws {
    if let problem = WavelengthPolynomialCheck.problem(
      coefficients: coefficients, pixels: model.pixelCount)
    {
      throw InstrumentError(.deviceRejected, "the \(model.name)'s \(problem)")
    }
  }

  public func acquire() async throws -> Acquisition {
    try await acquire(exposureSeconds: settings.integrationSeconds, dark: false)
  }

  /// The model's integration-time limits, s.
  public var exposureRange: ClosedRange<Double> {
    let model = opened?.model ?? settings.model ?? settings.expectedModel
    guard let model else { return settings.integrationSeconds...settings.integrationSeconds }
    return Double(model.integrationMicroseconds.lowerBound)
      / 1e6...Double(model.integrationMicroseconds.upperBound) / 1e6
  }

  /// OBP devices average on the device (SET_SCANS_TO_AVERAGE); one that refuses the message,
  /// and every OOI device (the protocol has no such command), leaves averaging to the host.
  public func setDeviceAveraging(scans: Int) async throws -> Int {
    guard case .obp(let session, _)? = connection else { return 1 }
    let wanted = UInt16(clamping: max(scans, 1))
    do {
      try await session.command(
        OBPMessageType.setScansToAverage, payload: LittleEndian.bytes(wanted))
    } catch let error as InstrumentError where error.category == .deviceRejected {
      return 1
    }
    return Int(wanted)
  }

  /// The device's non-linearity polynomial: read at open over OOI (EEPROM slots), asked for
  /// here over OBP (`GET_NL_COEFF`; a device that refuses has none). The chain checks it before
  /// use; asked only by the chain, so plain acquisitions exchange no extra messages.
  public var nonlinearityCoefficients: [Double]? {
    get async {
      if let polynomial = opened?.nonlinearity { return polynomial }
      guard case .obp(let session, _)? = connection else { return nil }
      return try? await Self.obpNonlinearity(session)
    }
  }

  private static func obpNonlinearity(_ session: OBPSession) async throws -> [Double]? {
    let count = try await session.query(OBPMessageType.nonlinearityCoefficientCount)
    guard count.count == 1, (1...16).contains(count[0]) else { return nil }
    var coefficients: [Double] = []
    for index in 0..<count[0] {
      let bytes = try await session.query(
        OBPMessageType.nonlinearityCoefficient, payload: [index])
      guard bytes.count == 4 else { return nil }
      coefficients.append(
        Double(Float(bitPattern: LittleEndian.read(UInt32.self, from: bytes, at: 0))))
    }
    return coefficients
  }

  /// One spectrum of `exposureSeconds` (clamped to the model's limits). The instrument has no
  /// light source of its own: for a dark (`dark`) the operator has blocked the beam.
  public func acquire(exposureSeconds requested: Double, dark: Bool) async throws -> Acquisition {
    guard var opened, let connection else {
      throw InstrumentError(.disconnected, "\(configuredID) is not open")
    }
    let range = exposureRange
    let exposureSeconds = min(max(requested, range.lowerBound), range.upperBound)
    let value = try opened.model.integrationValue(seconds: exposureSeconds)
    if value != opened.integrationValue {
      switch connection {
      case .obp(let session, _):
        try await session.command(
          OBPMessageType.setIntegrationTime, payload: LittleEndian.bytes(value))
      case .ooi(let session, _):
        try await session.send(.setIntegrationTime(value))
      }
      opened.integrationValue = value
      self.opened = opened
    }
    sequence += 1
    let startedAt = Date()
    let integration = Duration.seconds(exposureSeconds)
    let raw: [UInt8]
    var link: [(String, JSONValue)] = []
    switch connection {
    case .obp(let session, _):
      raw = try await session.query(opened.model.spectrumMessageType, extraTime: integration)
      link = await Self.linkCounters(session)
    case .ooi(let session, _):
      raw = try await session.rawSpectrum(integration: integration)
    }
    let spectrum: OceanSpectrum
    do { spectrum = try OceanSpectrum(raw: raw, model: opened.model) } catch {
      throw InstrumentError(.protocolViolation, "\(configuredID): \(error)")
    }
    var parameters: [(String, JSONValue)] = [
      ("integration_time_s", .number(exposureSeconds)),
      ("pixel_count", .int(Int64(spectrum.counts.count))),
      ("excitation_nm", .number(settings.excitationNanometres)),
      ("bit_depth", .int(Int64(opened.model.bitDepth))),
      ("saturated_pixels", .int(Int64(spectrum.saturatedPixelCount))),
      ("saturated", .bool(spectrum.saturatedPixelCount > 0)),
      ("stale_bytes_at_open", .int(Int64(opened.drainedBytes))),
    ]
    if let check = opened.nonlinearityCheck {
      parameters.append(("nonlinearity_coefficients", .string(check)))
    }
    if let dark = spectrum.electricDarkMean {
      parameters.append(("electric_dark_mean", .number(dark)))
    }
    if !spectrum.metadata.isEmpty {
      parameters.append(("metadata_hex", .string(Self.hex(spectrum.metadata))))
    }
    parameters += link
    return Acquisition(
      instrument: opened.identity, deviceSequence: sequence, startedAt: startedAt, endedAt: Date(),
      counts: spectrum.counts,
      axis: .wavelengthPolynomial(
        coefficients: opened.coefficients, excitationNanometres: settings.excitationNanometres),
      exposureSeconds: exposureSeconds, fullScale: opened.model.saturationLevel,
      parameters: parameters, simulationTruth: truth?.truthOfLatestSpectrum())
  }

  /// Bytes of stale input dropped by the last `open()`.
  public var drainedOnOpen: Int { opened?.drainedBytes ?? 0 }

  public private(set) var staleBytesAtLastOpen = 0

  /// The wavelength coefficients read on open (readout-pixel indexed).
  public var wavelengthCoefficients: [Double] { opened?.coefficients ?? [] }

  public func close() async {
    switch connection {
    case .obp(_, let closeTransport), .ooi(_, let closeTransport): await closeTransport()
    case nil: break
    }
    connection = nil
    opened = nil
  }

  /// The session's cumulative line-fault counters since open, as `link_*` parameters: the daemon
  /// turns their increases into `whitlock_link_trouble_total` and a "line trouble survived" log.
  private static func linkCounters(_ session: OBPSession) async -> [(String, JSONValue)] {
    [
      ("link_retries", .int(Int64(await session.retries))),
      ("link_skipped_bytes", .int(Int64(await session.discardedBytes))),
      ("link_corrupted_frames", .int(Int64(await session.corruptedReplies))),
      ("link_timeouts", .int(Int64(await session.timeouts))),
      ("link_busy_replies", .int(Int64(await session.busyReplies))),
      ("link_stale_replies", .int(Int64(await session.staleReplies))),
    ]
  }

  private static func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
  }
}
