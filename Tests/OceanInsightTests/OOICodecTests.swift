import OceanInsight
import Testing
import WhitlockCore

/// Byte tables for the legacy OOI command set (python-seabreeze 2.11.0 `OOIProtocol.msgs`).
@Suite struct OOICodecTests {
  @Test(arguments: [
    (OOICommand.initialize, [UInt8(0x01)]),
    (.setIntegrationTime(100_000), [0x02, 0xA0, 0x86, 0x01, 0x00]),
    (.setStrobeEnable(true), [0x03, 0x01, 0x00]),
    (.queryInformation(slot: 3), [0x05, 0x03]),
    (.requestSpectrum, [0x09]),
    (.setTriggerMode(3), [0x0A, 0x03, 0x00]),
    (.writeRegister(0x08, 0x1234), [0x6A, 0x08, 0x34, 0x12]),
    (.readRegister(0x04), [0x6B, 0x04]),
    (.queryStatus, [0xFE]),
  ])
  func commandBytes(command: OOICommand, bytes: [UInt8]) {
    #expect(command.bytes == bytes)
  }

  @Test func fpgaRegisterReplies() throws {
    #expect(try OOIReply.registerValue([0x04, 0x10, 0x22], register: 0x04) == 0x2210)
    #expect(try OOIReply.registerValue([0xFE, 0x00, 0x30], register: 0x04) == 0x3000)
    #expect(throws: OOIReply.Failure.wrongRegisterEcho(register: 0x04, received: 0x08)) {
      try OOIReply.registerValue([0x08, 0, 0], register: 0x04)
    }
    #expect(throws: OOIReply.Failure.wrongLength(expected: 3, received: 2)) {
      try OOIReply.registerValue([0x04, 0], register: 0x04)
    }
    let version = OOIReply.firmwareVersion(0x2215)
    #expect(version.major == 2 && version.minor == 0x21 && version.patch == 5)
  }

  @Test func slotTextAndNumbers() throws {
    var reply: [UInt8] = [0x05, 0x01] + Array("7.8513e+02".utf8)
    reply += [UInt8](repeating: 0, count: 17 - reply.count)
    #expect(try OOIReply.slotText(reply, slot: 1) == "7.8513e+02")
    #expect(try OOIReply.slotNumber(reply, slot: 1) == 785.13)
    #expect(throws: OOIReply.Failure.wrongEcho(slot: 2, received: reply)) {
      try OOIReply.slotText(reply, slot: 2)
    }
    var text: [UInt8] = [0x05, 0x04] + Array("abc".utf8)
    text += [UInt8](repeating: 0, count: 17 - text.count)
    #expect(throws: OOIReply.Failure.notANumber(slot: 4, text: "abc")) {
      try OOIReply.slotNumber(text, slot: 4)
    }
    #expect(throws: OOIReply.Failure.unterminatedText(slot: 0)) {
      try OOIReply.slotText([0x05, 0x00] + [UInt8](repeating: 0x41, count: 15), slot: 0)
    }
    #expect(throws: OOIReply.Failure.wrongLength(expected: 17, received: 3)) {
      try OOIReply.slotText([5, 0, 0], slot: 0)
    }
  }

  @Test func statusReply() throws {
    let reply: [UInt8] = [0x00, 0x08, 0x40, 0x42, 0x0F, 0x00, 0, 0, 0, 0, 1, 0, 0, 0, 0x80, 0]
    let status = try OOIReply.Status(reply)
    #expect(status.pixelCount == 2048)
    #expect(status.integrationMicroseconds == 1_000_000)
    #expect(status.isHighSpeed)
  }
}

/// The model table against python-seabreeze 2.11.0 `devices.py`.
@Suite struct OceanModelTests {
  @Test func tableMatchesSeabreeze() {
    #expect(OceanModel.qePro.productID == 0x4004 && OceanModel.qePro.commandSet == .obp)
    #expect(OceanModel.qePro.rawSpectrumLength == 1044 * 4 + 32)
    #expect(OceanModel.qePro.darkPixelIndices == [0, 1, 2, 3, 1040, 1041, 1042, 1043])
    #expect(OceanModel.sts.productID == 0x4000 && OceanModel.sts.rawSpectrumLength == 2048)
    #expect(OceanModel.qe65000.productID == 0x1018 && OceanModel.qe65000.rawSpectrumLength == 2561)
    #expect(OceanModel.qe65000.integrationBaseMicroseconds == 1000)
    #expect(OceanModel.maya2000Pro.productID == 0x102A && OceanModel.maya2000Pro.pixelCount == 2304)
    #expect(OceanModel.hr4000.productID == 0x1012 && OceanModel.hr4000.splitsHighSpeedReadout)
    #expect(OceanModel.usb2000Plus.productID == 0x101E)
    #expect(OceanModel.usb2000Plus.darkPixelIndices == Array(6...20))
    #expect(OceanModel.all.allSatisfy { $0.vendorID == 0x2457 })
    #expect(Set(OceanModel.all.map(\.productID)).count == OceanModel.all.count)
  }

  @Test func lookupByNameAndProductID() throws {
    #expect(try OceanModel.named("QE Pro") == .qePro)
    #expect(try OceanModel.named("usb2000+") == .usb2000Plus)
    #expect(try OceanModel.withProductID(0x1012) == .hr4000)
    let error = #expect(throws: InstrumentError.self) { try OceanModel.named("Flame-X") }
    #expect(error?.message.contains("\"Flame-X\"") == true)
    #expect(error?.message.contains("QEPRO") == true)
    let pid = #expect(throws: InstrumentError.self) { try OceanModel.withProductID(0x2001) }
    #expect(pid?.message.contains("0x2001") == true)
  }

  @Test func integrationLimitsAndTimeBase() throws {
    #expect(try OceanModel.qePro.integrationValue(seconds: 0.1) == 100_000)
    #expect(try OceanModel.qe65000.integrationValue(seconds: 0.1) == 100, "QE65000 takes ms")
    #expect(throws: InstrumentError.self) { try OceanModel.qePro.integrationValue(seconds: 0.001) }
    #expect(throws: InstrumentError.self) { try OceanModel.sts.integrationValue(seconds: 86) }
    #expect(try OceanModel.sts.integrationValue(seconds: 85) == 85_000_000)
  }

  @Test func qe65000PolynomialIsReindexedFromMinusTen() {
    let coefficients = [500.0, 0.2, -1e-5, 2e-9]
    let shifted = OceanModel.qe65000.readoutCoefficients(coefficients)
    for pixel in [0.0, 17, 640, 1279] {
      let q = pixel - 10
      let expected =
        coefficients[0] + coefficients[1] * q + coefficients[2] * q * q
        + coefficients[3] * q * q * q
      let actual =
        shifted[0] + shifted[1] * pixel + shifted[2] * pixel * pixel
        + shifted[3] * pixel * pixel * pixel
      #expect(abs(actual - expected) < 1e-9)
    }
    #expect(OceanModel.usb2000Plus.readoutCoefficients(coefficients) == coefficients)
  }
}

/// Unpacking raw spectra per model.
@Suite struct OceanSpectrumTests {
  private func words(_ values: [UInt16], mask: UInt16 = 0) -> [UInt8] {
    values.flatMap { value -> [UInt8] in
      let word = value ^ mask
      return [UInt8(word & 0xFF), UInt8(word >> 8)]
    }
  }

  @Test func hr4000FlipsBit13AndChecksSync() throws {
    var values = [UInt16](repeating: 1000, count: 3840)
    values[2] = 16383
    values[100] = 0x1234
    let raw = words(values, mask: 0x2000) + [0x69]
    #expect(raw[4] == 0xFF && raw[5] == 0x1F, "bytes on the wire have bit 13 flipped")
    let spectrum = try OceanSpectrum(raw: raw, model: .hr4000)
    #expect(spectrum.counts[100] == 0x1234)
    #expect(spectrum.saturatedPixelCount == 1)
    let expectedDark = (16383.0 + 10 * 1000) / 11
    #expect(abs(spectrum.electricDarkMean! - expectedDark) < 1e-9)
    var unsynced = raw
    unsynced[unsynced.count - 1] = 0x00
    #expect(throws: OceanSpectrum.Failure.missingSyncByte(found: 0)) {
      try OceanSpectrum(raw: unsynced, model: .hr4000)
    }
  }

  @Test func qe65000FlipsBit15() throws {
    let raw = words([UInt16](repeating: 0x0102, count: 1280), mask: 0x8000) + [0x69]
    #expect(Array(raw.prefix(2)) == [0x02, 0x81])
    let spectrum = try OceanSpectrum(raw: raw, model: .qe65000)
    #expect(spectrum.counts.allSatisfy { $0 == 0x0102 })
  }

  @Test func qeProSkipsMetadataAndReads18BitLongWords() throws {
    var raw = [UInt8](0..<32)
    for pixel in 0..<1044 {
      let value = UInt32(pixel == 500 ? 262_143 : 70_000 + pixel)
      raw += [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: value >> UInt32($0)) }
    }
    let spectrum = try OceanSpectrum(raw: raw, model: .qePro)
    #expect(spectrum.metadata == [UInt8](0..<32))
    #expect(spectrum.counts[0] == 70_000 && spectrum.counts[1043] == 71_043)
    #expect(spectrum.counts[500] == 262_143)
    #expect(spectrum.saturatedPixelCount == 1)
    let darkSum: Double = 70_000.0 * 8 + 6 + 1040 * 4 + 6
    #expect(spectrum.electricDarkMean == darkSum / 8)
  }

  @Test func stsIsPlainWordsWithoutDarkPixels() throws {
    let raw = words((0..<1024).map { UInt16($0) })
    let spectrum = try OceanSpectrum(raw: raw, model: .sts)
    #expect(spectrum.counts[1023] == 1023)
    #expect(spectrum.electricDarkMean == nil)
    #expect(throws: OceanSpectrum.Failure.wrongLength(expected: 2048, received: 2047)) {
      try OceanSpectrum(raw: Array(raw.dropLast()), model: .sts)
    }
  }
}
