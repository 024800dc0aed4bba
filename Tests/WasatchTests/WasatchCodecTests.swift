import Simulation
import Testing
import Wasatch
import WhitlockCore

/// Request encoding against wasatch 2.5.2 `FeatureIdentificationDevice.py`.
@Suite struct WasatchCodecTests {
  @Test func integrationTimeIs24BitSplitOverValueAndIndex() {
    let request = WasatchControlRequest.setIntegrationTime(milliseconds: 0x12_3456, arm: false)
    #expect(request.requestType == 0x40 && request.request == 0xB2)
    #expect(request.value == 0x3456 && request.index == 0x12 && request.data.isEmpty)
    #expect(WasatchControlRequest.setIntegrationTime(milliseconds: 0, arm: false).value == 1)
    #expect(
      WasatchControlRequest.setIntegrationTime(milliseconds: 0x1FF_FFFF, arm: false).index == 0xFF)
  }

  @Test func armOutRequestsCarryEightZeroBytes() {
    #expect(WasatchControlRequest.acquire(arm: true).data == [UInt8](repeating: 0, count: 8))
    #expect(WasatchControlRequest.acquire(arm: false).data == [])
    #expect(WasatchControlRequest.acquire(arm: false).request == 0xAD)
  }

  @Test func getRequestsAndSecondTier() {
    #expect(WasatchControlRequest.fpgaRevision == .get(0xB4, length: 7))
    let page = WasatchControlRequest.eepromPage(5)
    #expect(page.requestType == 0xC0 && page.request == 0xFF && page.value == 0x01)
    #expect(page.index == 5 && page.length == 64)
    #expect(WasatchControlRequest.lineLength.value == 0x03)
    #expect(WasatchControlRequest.getLaserEnabled.request == 0xE2)
  }

  @Test func laserRequests() {
    let on = WasatchControlRequest.setLaserEnable(true, arm: false)
    #expect(on.request == 0xBE && on.value == 1)
    let steps = WasatchControlRequest.laserPower(percent: 37.4, arm: false)
    #expect(steps.map(\.request) == [0xC7, 0xDB, 0xBD])
    #expect(
      steps[0].value == 1000 && steps[0].index == 0 && steps[0].data == [0, 0, 0, 0, 0, 0, 0, 0])
    #expect(steps[1].value == 374)
    #expect(steps[2].value == 1)
    #expect(WasatchControlRequest.laserPower(percent: 100, arm: false).map(\.value) == [0])
    let wide = WasatchControlRequest.setModulationPeriod(microseconds: 0x12_3456_789A)
    #expect(wide.value == 0x789A && wide.index == 0x3456 && wide.data.first == 0x12)
  }

  @Test func splitReadOf2048PixelFX2Detectors() {
    #expect(
      WasatchSpectrumReadPlan(pixels: 2048, arm: false).reads.map(\.endpoint) == [0x82, 0x86])
    #expect(WasatchSpectrumReadPlan(pixels: 2048, arm: false).reads.map(\.bytes) == [2048, 2048])
    #expect(WasatchSpectrumReadPlan(pixels: 2048, arm: true).reads.map(\.bytes) == [4096])
    #expect(WasatchSpectrumReadPlan(pixels: 1024, arm: false).reads.map(\.endpoint) == [0x82])
    #expect(WasatchSpectrumReadPlan.pixels([0x34, 0x12, 0xFF, 0xFF]) == [0x1234, 0xFFFF])
  }
}

/// EEPROM parsing with a hand-built byte table (offsets from wasatch 2.5.2 `EEPROM.py`).
@Suite struct WasatchEEPROMTests {
  private func page() -> [UInt8] { [UInt8](repeating: 0, count: 64) }

  private func put(_ bytes: [UInt8], _ page: inout [UInt8], _ offset: Int) {
    for (index, byte) in bytes.enumerated() { page[offset + index] = byte }
  }

  @Test func parsesModelSerialExcitationPolynomialAndLimits() throws {
    var p0 = page()
    var p1 = page()
    var p2 = page()
    var p3 = page()
    put(Array("WP-785X".utf8), &p0, 0)
    put(Array("WP-01234".utf8), &p0, 16)
    put([1, 0, 1], &p0, 36)
    put([0x01, 0x00], &p0, 39)  // feature mask: invert x axis
    put([0x64, 0x00], &p0, 43)  // 100 ms
    p0[63] = 15
    // 800.0, 0.25, -1e-5, 0.0 as float32 LE
    put([0x00, 0x00, 0x48, 0x44, 0x00, 0x00, 0x80, 0x3E, 0xAC, 0xC5, 0x27, 0xB7], &p1, 0)
    put([0x00, 0x04], &p2, 16)  // 1024 px
    put([0x00, 0x40, 0x44, 0x44], &p3, 36)  // 785.0
    put([0x02, 0, 0, 0, 0x60, 0xEA, 0, 0], &p3, 40)  // 2 ms … 60000 ms
    let eeprom = try WasatchEEPROM(pages: [p0, p1, p2, p3])
    #expect(eeprom.model == "WP-785X" && eeprom.serial == "WP-01234")
    #expect(eeprom.hasLaser && eeprom.hasCooling && eeprom.invertsXAxis)
    #expect(eeprom.startupIntegrationMilliseconds == 100)
    #expect(eeprom.wavelengthCoefficients == [800, 0.25, Double(Float(-1e-5)), 0, 0])
    #expect(eeprom.activePixelsHorizontal == 1024)
    #expect(eeprom.excitationNanometres == 785)
    #expect(eeprom.minimumIntegrationMilliseconds == 2)
    #expect(eeprom.maximumIntegrationMilliseconds == 60_000)
  }

  @Test func oldFormatsKeepExcitationAndLimitsElsewhere() throws {
    var p0 = page()
    var p2 = page()
    put([0x11, 0x03], &p0, 39)  // 785 nm as u16 (formats 3…9)
    p0[63] = 3
    put([0x05, 0x00, 0x10, 0x27], &p2, 21)  // 5 ms … 10000 ms as u16
    let eeprom = try WasatchEEPROM(pages: [p0, page(), p2, page()])
    #expect(eeprom.excitationNanometres == 785)
    #expect(eeprom.minimumIntegrationMilliseconds == 5)
    #expect(eeprom.maximumIntegrationMilliseconds == 10_000)
    #expect(eeprom.wavelengthCoefficients.count == 4, "no c4 before format 8")
    #expect(!eeprom.invertsXAxis, "feature mask only from format 10")
  }

  @Test func refusesUnprogrammedAndShortEEPROMs() {
    let blank = [UInt8](repeating: 0xFF, count: 64)
    #expect(throws: WasatchEEPROM.Failure.unprogrammed) {
      try WasatchEEPROM(pages: [blank, blank, blank, blank])
    }
    #expect(throws: WasatchEEPROM.Failure.missingPages(received: 1)) {
      try WasatchEEPROM(pages: [page()])
    }
  }

  /// Values that parse but cannot describe a spectrum are refused at open: an unprogrammed
  /// (zeroed) pixel count, NaN or infinite coefficients, an axis that falls or leaves the optical
  /// range.
  @Test func validationRefusesValuesNoSpectrumCanHave() throws {
    let good = WasatchDeviceEmulator(settings: EmulatedSpectrometerSettings()).eepromPages()
    try WasatchEEPROM(pages: good).validate()
    func refused(_ change: (inout [[UInt8]]) -> Void) throws -> WasatchEEPROM.Failure? {
      var pages = good
      change(&pages)
      do { try WasatchEEPROM(pages: pages).validate() } catch { return error }
      return nil
    }
    func float(_ value: Float) -> [UInt8] {
      let bits = value.bitPattern
      return (0..<4).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
    }
    #expect(
      try refused {
        $0[2][16] = 0; $0[2][17] = 0
      } == .implausiblePixelCount(0))
    #expect(
      try refused { $0[1].replaceSubrange(4..<8, with: float(.nan)) }
        == .nonFiniteWavelengthCoefficient(index: 1))
    #expect(
      try refused { $0[1].replaceSubrange(0..<4, with: float(.infinity)) }
        == .nonFiniteWavelengthCoefficient(index: 0))
    let falling = try refused { $0[1].replaceSubrange(4..<8, with: float(-0.2)) }
    if case .implausibleWavelengthAxis = falling {
    } else {
      Issue.record("a falling axis was not refused: \(String(describing: falling))")
    }
    let zeroed = try refused { pages in
      for index in 0..<16 { pages[1][index] = 0 }
    }
    if case .implausibleWavelengthAxis(let first, _) = zeroed {
      #expect(first == 0)
    } else {
      Issue.record("an all-zero axis was not refused: \(String(describing: zeroed))")
    }
  }

  @Test func emulatorPagesParseToItsOwnSettings() throws {
    let device = WasatchDeviceEmulator(settings: EmulatedSpectrometerSettings(serial: "WP-0042"))
    let eeprom = try WasatchEEPROM(pages: device.eepromPages())
    #expect(eeprom.serial == "WP-0042" && eeprom.model == "WP-785X-ILP")
    #expect(eeprom.activePixelsHorizontal == 1024)
    #expect(eeprom.excitationNanometres == 785)
  }

  @Test func interlockRule() {
    var interlock = LaserInterlock(allowedByConfiguration: true)
    #expect(!interlock.laserShouldBeOn, "not open yet")
    interlock.deviceOpened()
    #expect(!interlock.laserShouldBeOn, "open, but no operator run: an automatic run is dark")
    interlock.operatorRun(active: true)
    #expect(interlock.laserShouldBeOn)
    interlock.fault()
    #expect(!interlock.laserShouldBeOn)
    interlock.deviceOpened()
    #expect(interlock.laserShouldBeOn, "a new open clears the fault")
    interlock.operatorRun(active: false)
    #expect(!interlock.laserShouldBeOn, "the operator stopped the run")
    interlock.operatorRun(active: true)
    interlock.deviceClosed()
    #expect(!interlock.laserShouldBeOn)
    var forbidden = LaserInterlock(allowedByConfiguration: false, policy: .continuous)
    forbidden.deviceOpened()
    forbidden.operatorRun(active: true)
    #expect(!forbidden.laserShouldBeOn, "nothing fires without laser_enabled")
  }

  @Test func continuousEmissionNeedsNoOperatorRunButStillTheRest() {
    var interlock = LaserInterlock(allowedByConfiguration: true, policy: .continuous)
    #expect(!interlock.laserShouldBeOn)
    interlock.deviceOpened()
    #expect(interlock.laserShouldBeOn)
    interlock.fault()
    #expect(!interlock.laserShouldBeOn)
  }

  @Test func laserWatchdogRequestsAndTheirFloor() {
    let set = WasatchControlRequest.setLaserWatchdog(seconds: 7, arm: true)
    #expect(set.requestType == 0x40 && set.request == 0xFF && set.value == 0x18)
    #expect(set.index == 7 && set.data == [UInt8](repeating: 0, count: 8) && set.length == 0)
    let get = WasatchControlRequest.getLaserWatchdog
    #expect(get.requestType == 0xC0 && get.request == 0xFF && get.value == 0x17)
    #expect(get.length == 2 && get.data.isEmpty)
    var settings = WasatchSettings(integrationSeconds: 0.1, laserAllowed: true)
    #expect(settings.effectiveLaserWatchdogSeconds == 5)
    settings.integrationSeconds = 10
    #expect(
      settings.effectiveLaserWatchdogSeconds == 22, "two exposures, the reply timeout and 1 s")
    settings.integrationSeconds = 0.1
    settings.longestIntegrationSeconds = 8
    #expect(
      settings.effectiveLaserWatchdogSeconds == 18,
      "auto-exposure's longest exposure counts: two of 8 s, the reply timeout and 1 s")
  }
}
