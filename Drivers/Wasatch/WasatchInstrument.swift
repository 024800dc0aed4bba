import Foundation
import WhitlockCore

/// How to drive one Wasatch Photonics spectrometer.
public struct WasatchSettings: Sendable {
  /// Integration time per spectrum, s; checked against the EEPROM limits.
  public var integrationSeconds: Double
  /// The laser fires only if this is true (and a run is active).
  public var laserAllowed: Bool
  /// Laser power as a percentage of full, applied before the laser is enabled.
  public var laserPowerPercent: Double = 100
  /// Excitation wavelength in nm; `nil` takes the EEPROM's.
  public var excitationNanometres: Double?
  /// Timeout of a control request; spectra get the integration time on top.
  public var replyTimeout: Duration = .seconds(1)
  /// When the laser may fire: during operator-started runs only, unless continuous emission
  /// is asked for explicitly.
  public var emission: EmissionPolicy = .operatorRuns
  /// The device's own laser watchdog (XS/ARM boards): the firmware switches the laser off when
  /// the host has not triggered an acquisition for this long, so a killed daemon cannot leave
  /// it firing. Raised to two exposures plus the reply timeout and a second when shorter.
  public var laserWatchdogSeconds = 5

  /// The longest exposure the session may ask for (auto-exposure's upper limit), when longer
  /// than `integrationSeconds`: the watchdog must outlast it too.
  public var longestIntegrationSeconds: Double?

  /// The watchdog period actually set: never shorter than an acquisition can take.
  public var effectiveLaserWatchdogSeconds: UInt16 {
    let longest = max(integrationSeconds, longestIntegrationSeconds ?? 0)
    let acquisition = 2 * longest + Double(replyTimeout.components.seconds) + 1
    return UInt16(clamping: max(laserWatchdogSeconds, Int(acquisition.rounded(.up))))
  }

  public init(integrationSeconds: Double, laserAllowed: Bool) {
    self.integrationSeconds = integrationSeconds
    self.laserAllowed = laserAllowed
  }
}

/// A Wasatch Photonics Raman spectrometer over USB vendor requests and bulk reads, with a laser
/// safety interlock: the laser is on only while the configuration allows it and an operator run
/// is active (or continuous emission is configured), and goes off when the run stops, at
/// `close`, on shutdown and on any error. On XS (ARM) boards the device's laser watchdog is set
/// at open and fed by every acquisition, so the laser also goes off when this process dies.
public actor WasatchInstrument: Instrument, DrainsStaleRepliesAtOpen, GatesEmissionOnOperatorRuns,
  AdjustsExposure, PlacesCalibrationTargets
{
  public nonisolated let configuredID: String
  public nonisolated let kind: InstrumentKind = .raman
  public nonisolated let settings: WasatchSettings
  /// USB product ID: 0x1000 FX2, 0x2000 FX2 InGaAs, 0x4000 ARM.
  public nonisolated let productID: UInt16
  private let openDevice: @Sendable () async throws -> any USBInterface
  private let truth: (any SimulationTruthSource)?
  /// What puts a lamp or standard in the beam, when something can (the emulation's operator).
  public nonisolated let calibrationTargets: (any CalibrationTargetChanger)?

  private var device: (any USBInterface)?
  private var eeprom: WasatchEEPROM?
  private var identity: InstrumentIdentity?
  private var sequence: UInt64 = 0
  private var laserOn = false
  /// Whether `applyInterlock` is switching the laser (its loop picks up any newer decision).
  private var switchingLaser = false
  /// The newest operator-run news applied; older news arriving late is ignored.
  private var operatorRunGeneration: UInt64 = 0
  /// A failure to switch the laser outside `acquire`, reported by the next `acquire`.
  private var pendingFailure: InstrumentError?
  /// The laser watchdog period the device confirmed at the last open; `nil` without one.
  private var watchdogSeconds: UInt16?
  /// Bytes a previous client left on the bulk endpoints, drained at the last open.
  private var staleBytesAtOpen = 0
  /// The integration time the device was last told, ms.
  private var integrationOnDevice: UInt32 = 0

  public var staleBytesAtLastOpen: Int { staleBytesAtOpen }
  /// The interlock's current decision inputs.
  public private(set) var interlock: LaserInterlock

  private var arm: Bool { productID == 0x4000 }

  /// Wasatch Photonics' USB vendor ID; the product ID tells the board (0x1000 FX2, 0x2000
  /// InGaAs, 0x4000 ARM).
  public static let vendorID: UInt16 = 0x24AA

  public init(
    configuredID: String, productID: UInt16, settings: WasatchSettings,
    openDevice: @escaping @Sendable () async throws -> any USBInterface,
    truth: (any SimulationTruthSource)? = nil,
    calibrationTargets: (any CalibrationTargetChanger)? = nil
  ) {
    self.configuredID = configuredID
    self.productID = productID
    self.settings = settings
    self.openDevice = openDevice
    self.truth = truth
    self.calibrationTargets = calibrationTargets
    self.interlock = LaserInterlock(
      allowedByConfiguration: settings.laserAllowed, policy: settings.emission)
  }

  /// Whether the driver last commanded the laser on.
  public var isLaserCommandedOn: Bool { laserOn }

  private func send(_ request: WasatchControlRequest, on device: any USBInterface) async throws
    -> [UInt8]
  {
    try await device.control(
      requestType: request.requestType, request: request.request, value: request.value,
      index: request.index, data: request.data, length: request.length,
      timeout: settings.replyTimeout)
  }

  public func open() async throws -> InstrumentIdentity {
    await close()
    staleBytesAtOpen = 0
    do {
      let device = try await openDevice()
      self.device = device
      staleBytesAtOpen = try await drainBulkEndpoints(device)
      // Laser off before anything else, whatever a previous client left behind.
      try await setLaser(false, on: device)
      let firmware = try await send(.firmwareRevision, on: device)
      let fpga = try await send(.fpgaRevision, on: device)
      var pages: [[UInt8]] = []
      for page in UInt16(0)..<8 { pages.append(try await send(.eepromPage(page), on: device)) }
      let eeprom: WasatchEEPROM
      do {
        eeprom = try WasatchEEPROM(pages: pages)
        try eeprom.validate()
      } catch {
        throw InstrumentError(.protocolViolation, "\(device.name): \(error)")
      }
      let excitation = settings.excitationNanometres ?? eeprom.excitationNanometres
      guard excitation.isFinite, (200...1100).contains(excitation) else {
        throw InstrumentError(
          .configuration,
          "\(device.name): the EEPROM gives an excitation of \(eeprom.excitationNanometres) nm; "
            + "set excitation_nm in [instrument.device]")
      }
      let milliseconds = try integrationMilliseconds(eeprom)
      _ = try await send(.setIntegrationTime(milliseconds: milliseconds, arm: arm), on: device)
      integrationOnDevice = milliseconds
      watchdogSeconds = arm ? try await armLaserWatchdog(on: device) : nil
      self.eeprom = eeprom
      let firmwareText = firmware.reversed().map { String($0) }.joined(separator: ".")
      let fpgaText = String(decoding: fpga.filter { (0x20..<0x7F).contains($0) }, as: UTF8.self)
      let opened = InstrumentIdentity(
        id: configuredID, kind: .raman, model: "Wasatch \(eeprom.model)", serial: eeprom.serial,
        family: "wasatch", firmware: "\(firmwareText) fpga \(fpgaText)")
      identity = opened
      sequence = 0
      pendingFailure = nil
      interlock.deviceOpened()
      try await applyInterlock(on: device)
      return opened
    } catch {
      await failSafe()
      throw error
    }
  }

  /// Drops spectra a killed client requested but never read, so they cannot be taken for ours;
  /// returns how many bytes were dropped. Each endpoint must stay silent for 80 ms: a spectrum
  /// already on the device answers within a millisecond or two on an idle bus, but a loaded
  /// host can take tens of milliseconds to reap it, and a stale spectrum missed here would be
  /// taken for the first acquisition's.
  private func drainBulkEndpoints(_ device: any USBInterface) async throws -> Int {
    var drained = 0
    for endpoint: UInt8 in [0x82, 0x86] {
      for _ in 0..<64 {
        do {
          drained += try await device.bulkRead(
            endpoint: endpoint, maxLength: 65536, timeout: .milliseconds(80)
          ).count
        } catch let error as InstrumentError where error.category == .timeout {
          break
        }
      }
    }
    return drained
  }

  private func integrationMilliseconds(_ eeprom: WasatchEEPROM) throws -> UInt32 {
    let milliseconds = (settings.integrationSeconds * 1000).rounded()
    let lower = Double(max(eeprom.minimumIntegrationMilliseconds, 1))
    let upper = Double(min(max(eeprom.maximumIntegrationMilliseconds, 1), 0xFF_FFFF))
    guard milliseconds >= lower, milliseconds <= upper else {
      throw InstrumentError(
        .configuration,
        "integration time \(settings.integrationSeconds) s is outside the \(eeprom.model)'s "
          + "\(lower / 1000)…\(upper / 1000) s")
    }
    return UInt32(milliseconds)
  }

  /// Sets the device's laser watchdog and reads it back; `nil` when the firmware has none (it
  /// stalls the request).
  private func armLaserWatchdog(on device: any USBInterface) async throws -> UInt16? {
    let seconds = settings.effectiveLaserWatchdogSeconds
    do {
      _ = try await send(.setLaserWatchdog(seconds: seconds, arm: arm), on: device)
    } catch let error as InstrumentError where error.category == .deviceRejected {
      return nil
    }
    let reply = try await send(.getLaserWatchdog, on: device)
    let readBack = reply.count >= 2 ? UInt16(reply[0]) << 8 | UInt16(reply[1]) : 0
    guard readBack == seconds else {
      throw InstrumentError(
        .deviceRejected,
        "\(device.name): laser watchdog set to \(seconds) s reads back \(readBack) s")
    }
    return seconds
  }

  /// Switches the laser to the interlock's decision, setting the power before enabling it. A
  /// call while another is switching returns at once: the running one re-reads the decision
  /// after every step, so the last decision always wins.
  private func applyInterlock(on device: any USBInterface) async throws {
    guard !switchingLaser else { return }
    switchingLaser = true
    defer { switchingLaser = false }
    while true {
      let wanted = interlock.laserShouldBeOn && (eeprom?.hasLaser ?? false)
      if wanted == laserOn { return }
      if wanted {
        for request in WasatchControlRequest.laserPower(
          percent: settings.laserPowerPercent, arm: arm)
        {
          _ = try await send(request, on: device)
        }
      }
      try await setLaser(wanted, on: device)
    }
  }

  /// Applies news of an operator run (`generation` orders the news); a failure to switch is
  /// reported by the next `acquire` after the laser was switched off.
  public func operatorRunChanged(active: Bool, generation: UInt64) async {
    guard generation >= operatorRunGeneration else { return }
    operatorRunGeneration = generation
    interlock.operatorRun(active: active)
    guard let device, eeprom != nil else { return }
    do { try await applyInterlock(on: device) } catch {
      pendingFailure =
        error as? InstrumentError
        ?? InstrumentError(.deviceRejected, "\(device.name): switching the laser: \(error)")
      await failSafe()
    }
  }

  /// Commands the laser and confirms it with GET_LASER_ENABLED, up to three tries (as Wasatch.PY).
  private func setLaser(_ on: Bool, on device: any USBInterface) async throws {
    for _ in 0..<3 {
      _ = try await send(.setLaserEnable(on, arm: arm), on: device)
      let state = try await send(.getLaserEnabled, on: device)
      if (state.first ?? 0 != 0) == on {
        laserOn = on
        return
      }
    }
    laserOn = true  // assume the worst until proven off
    throw InstrumentError(
      .deviceRejected, "\(device.name): laser did not switch \(on ? "on" : "off")")
  }

  /// After any failure: the interlock trips and the laser is switched off if the device still
  /// answers.
  private func failSafe() async {
    interlock.fault()
    if let device { try? await setLaser(false, on: device) }
  }

  public func acquire() async throws -> Acquisition {
    try await acquire(exposureSeconds: settings.integrationSeconds, dark: false)
  }

  /// The EEPROM's integration-time limits (at least 1 ms, at most the 24-bit request's).
  public var exposureRange: ClosedRange<Double> {
    guard let eeprom else { return settings.integrationSeconds...settings.integrationSeconds }
    let lower = Double(max(eeprom.minimumIntegrationMilliseconds, 1)) / 1000
    let upper = Double(min(max(eeprom.maximumIntegrationMilliseconds, 1), 0xFF_FFFF)) / 1000
    return lower...max(lower, upper)
  }

  /// Wasatch boards average on the host here (only XS firmware has on-device averaging).
  public func setDeviceAveraging(scans: Int) async throws -> Int { 1 }

  /// Wasatch EEPROMs hold no non-linearity polynomial in the pages this driver reads.
  public var nonlinearityCoefficients: [Double]? { nil }

  /// One spectrum of `exposureSeconds` (clamped to the EEPROM's limits); with `dark` the laser
  /// is kept off for it (`LaserInterlock.darkFrame`), whatever the run.
  public func acquire(exposureSeconds requested: Double, dark: Bool) async throws -> Acquisition {
    guard let device, let eeprom, let identity else {
      throw InstrumentError(.disconnected, "\(configuredID) is not open")
    }
    do {
      let range = exposureRange
      let milliseconds = UInt32(
        (min(max(requested, range.lowerBound), range.upperBound) * 1000).rounded())
      if milliseconds != integrationOnDevice {
        _ = try await send(.setIntegrationTime(milliseconds: milliseconds, arm: arm), on: device)
        integrationOnDevice = milliseconds
      }
      let exposureSeconds = Double(milliseconds) / 1000
      interlock.darkFrame(active: dark)
      try await applyInterlock(on: device)
      if let pendingFailure {
        self.pendingFailure = nil
        throw pendingFailure
      }
      if watchdogSeconds != nil && laserOn {
        // A pause longer than the watchdog (analysis behind) lets the device switch the laser
        // off by itself; it is switched on again before the exposure.
        if try await send(.getLaserEnabled, on: device).first ?? 0 == 0 {
          laserOn = false
          try await applyInterlock(on: device)
        }
      }
      sequence += 1
      let laserAtTrigger = laserOn
      let startedAt = Date()
      let pixels = eeprom.activePixelsHorizontal
      _ = try await send(.acquire(arm: arm), on: device)
      var raw: [UInt8] = []
      let timeout = Duration.seconds(2 * exposureSeconds) + settings.replyTimeout
      for read in WasatchSpectrumReadPlan(pixels: pixels, arm: arm).reads {
        var block: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        // Bounded by the deadline and by cancellation, so a device that answers with
        // zero-length packets forever cannot hold the session (or the laser) here.
        while block.count < read.bytes {
          try Task.checkCancellation()
          let remaining = deadline - .now
          guard remaining > .zero else {
            throw InstrumentError(
              .timeout,
              "\(device.name): \(block.count) of \(read.bytes) spectrum bytes from endpoint "
                + "0x\(String(read.endpoint, radix: 16)) within \(timeout)")
          }
          block += try await device.bulkRead(
            endpoint: read.endpoint, maxLength: read.bytes - block.count, timeout: remaining)
        }
        raw += block
      }
      var counts = WasatchSpectrumReadPlan.pixels(raw)
      if eeprom.invertsXAxis { counts.reverse() }
      let firing = try await send(.getLaserEnabled, on: device).first ?? 0 != 0
      if firing && !interlock.laserShouldBeOn && !switchingLaser {
        throw InstrumentError(.deviceRejected, "\(device.name): laser on against the interlock")
      }
      let saturated = counts.reduce(0) { $0 + ($1 >= 65535 ? 1 : 0) }
      return Acquisition(
        instrument: identity, deviceSequence: sequence, startedAt: startedAt, endedAt: Date(),
        counts: counts,
        axis: .wavelengthPolynomial(
          coefficients: eeprom.wavelengthCoefficients,
          excitationNanometres: settings.excitationNanometres ?? eeprom.excitationNanometres),
        exposureSeconds: exposureSeconds, fullScale: 65535,
        parameters: [
          ("integration_time_s", .number(exposureSeconds)),
          ("dark_frame", .bool(dark)),
          ("pixel_count", .int(Int64(counts.count))),
          ("excitation_nm", .number(settings.excitationNanometres ?? eeprom.excitationNanometres)),
          ("laser_enabled", .bool(firing)),
          // A run that began or ended during the exposure lit only part of it.
          ("laser_switched_during_exposure", .bool(firing != laserAtTrigger)),
          ("stale_bytes_at_open", .int(Int64(staleBytesAtOpen))),
          ("laser_allowed", .bool(settings.laserAllowed)),
          ("laser_power_percent", .number(firing ? settings.laserPowerPercent : 0)),
          ("laser_emission", .string(settings.emission.rawValue)),
          ("laser_watchdog_s", watchdogSeconds.map { .int(Int64($0)) } ?? .null),
          ("saturated_pixels", .int(Int64(saturated))),
          ("saturated", .bool(saturated > 0)),
        ],
        simulationTruth: truth?.truthOfLatestSpectrum())
    } catch {
      await failSafe()
      throw error
    }
  }

  /// Ends the run: laser off, then the device is released.
  public func close() async {
    interlock.deviceClosed()
    if let device {
      try? await setLaser(false, on: device)
      await device.close()
    }
    device = nil
    eeprom = nil
    identity = nil
  }
}
