import OceanInsight
import Testing

/// Byte tables for OBP messages; expected bytes were produced with python-seabreeze 2.11.0's own
/// header format (`struct.pack("<HHHHLL6sBB16sL", …)`) and `hashlib.md5`.
@Suite struct OBPCodecTests {
  static let setIntegrationWithAck =
    "c1c000110400000010001100000000000000000000000004a086010000000000000000000000000014000000"
    + "00000000000000000000000000000000c5c4c3c2"
  static let serialReplyWithMD5 =
    "c1c0001101000000000100000700000000000000000001085145503031323334000000000000000014000000"
    + "15d870c589e6c599ff8dc122f59ef8a6c5c4c3c2"
  static let nackInformationMissing =
    "c1c0001109000c00010118000000000000000000000000000000000000000000000000000000000014000000"
    + "00000000000000000000000000000000c5c4c3c2"

  @Test func setIntegrationTimeRequestMatchesSeabreezeBytes() {
    let message = OBPMessage(
      messageType: OBPMessageType.setIntegrationTime, payload: [0xA0, 0x86, 0x01, 0x00],
      flags: .ackRequested)
    #expect(Hex.string(message.encoded()) == Self.setIntegrationWithAck)
    #expect(message.encoded().count == OBPMessage.minimumLength)
  }

  @Test func md5ChecksumCoversHeaderAndPayload() {
    let message = OBPMessage(
      messageType: OBPMessageType.serialNumber, payload: Array("QEP01234".utf8),
      flags: .responseToRequest, regarding: 7, checksumType: .md5)
    #expect(Hex.string(message.encoded()) == Self.serialReplyWithMD5)
  }

  @Test func largePayloadTravelsAfterTheHeader() {
    let payload = (0..<40).map { UInt8($0) }
    let bytes = OBPMessage(messageType: OBPMessageType.rawSpectrumNow, payload: payload).encoded()
    #expect(bytes.count == 64 + 40)
    #expect(bytes[23] == 0, "immediate length is zero")
    #expect(Array(bytes[24..<40]) == [UInt8](repeating: 0, count: 16))
    #expect(Array(bytes[40..<44]) == [60, 0, 0, 0], "bytes remaining = payload + 20")
    #expect(Array(bytes[44..<84]) == payload)
    #expect(Array(bytes[100..<104]) == OBPMessage.footerBytes)
  }

  @Test func decodesNackIntoTypedError() throws {
    var decoder = OBPStreamDecoder()
    decoder.append(Hex.bytes(Self.nackInformationMissing))
    let message = try #require(try decoder.next()?.get())
    #expect(message.flags == [.responseToRequest, .nack])
    #expect(message.error == .informationMissing)
    #expect(throws: OBPReplyError.refused(messageType: 0x0018_0101, .informationMissing)) {
      try OBPReplyError.check(message)
    }
  }

  @Test(arguments: [
    (UInt16(0), OBPErrorCode.success), (1, .invalidProtocol), (2, .unknownMessageType),
    (3, .badChecksum), (4, .messageTooLarge), (5, .payloadLengthMismatch), (6, .payloadInvalid),
    (7, .deviceNotReady), (8, .unknownChecksumType), (9, .deviceResetUnexpectedly),
    (10, .tooManyBuses), (11, .outOfMemory), (12, .informationMissing),
    (13, .internalDeviceError), (100, .decryptionFailed), (101, .firmwareLayoutInvalid),
    (102, .dataPacketWrongSize), (103, .hardwareRevisionIncompatible),
    (104, .flashMapIncompatible), (255, .deferred), (42, .unlisted(42)),
  ])
  func everyErrorCodeHasItsOwnCase(raw: UInt16, code: OBPErrorCode) {
    #expect(OBPErrorCode(rawValue: raw) == code)
    #expect(code.rawValue == raw)
    #expect(code.description.contains("\(raw)"))
  }

  @Test func hardwareExceptionAndDeprecationAreTypedErrors() {
    var exception = OBPMessage(messageType: 0x100, flags: [.responseToRequest, .hardwareException])
    exception.errorNumber = 13
    #expect(throws: OBPReplyError.hardwareException(messageType: 0x100, .internalDeviceError)) {
      try OBPReplyError.check(exception)
    }
    let deprecated = OBPMessage(messageType: 0x100, flags: .protocolDeprecated)
    #expect(throws: OBPReplyError.protocolDeprecated(messageType: 0x100)) {
      try OBPReplyError.check(deprecated)
    }
  }

  @Test func roundTripsEveryFieldAcrossChunkBoundaries() throws {
    let original = OBPMessage(
      messageType: 0x0010_0928, payload: (0..<300).map { UInt8($0 & 0xFF) },
      flags: [.responseToRequest], errorNumber: 0, regarding: 0xDEAD_BEEF, checksumType: .md5)
    var decoder = OBPStreamDecoder()
    var decoded: OBPMessage?
    for byte in original.encoded() {
      decoder.append([byte])
      if let result = decoder.next() { decoded = try result.get() }
    }
    #expect(decoded == original)
    #expect(decoder.discardedByteCount == 0)
  }

  @Test func resynchronisesAfterGarbageAndTornMessages() throws {
    let first = OBPMessage(messageType: 0x101, payload: [8], flags: .responseToRequest)
    let second = OBPMessage(messageType: 0x100, payload: Array("S1".utf8))
    let torn = Array(first.encoded().prefix(50))
    var stream: [UInt8] = [0x00, 0xC1, 0xC0, 0x55, 0xC1] + torn + first.encoded()
    stream += [0xFF, 0xC1, 0xC0] + second.encoded()
    var decoder = OBPStreamDecoder()
    decoder.append(stream)
    var messages: [OBPMessage] = []
    while let result = decoder.next() {
      if case .success(let message) = result { messages.append(message) }
    }
    #expect(messages == [first, second])
    #expect(decoder.discardedByteCount == 5 + 50 + 3)
    #expect(decoder.bufferedByteCount == 0)
  }

  @Test func reportsChecksumMismatchAndCarriesOn() throws {
    var bad = OBPMessage(messageType: 0x100, payload: [1, 2, 3], checksumType: .md5).encoded()
    bad[30] ^= 0xFF
    let good = OBPMessage(messageType: 0x101, payload: [3])
    var decoder = OBPStreamDecoder()
    decoder.append(bad + good.encoded())
    #expect(decoder.next() == .failure(.checksumMismatch(messageType: 0x100)))
    #expect(try decoder.next()?.get() == good)
  }

  @Test func reportsATornFrameWithItsTagAndFindsTheNextMessage() throws {
    // The serial-number reply (tag 7) with its footer's last byte lost to line noise.
    var torn = Hex.bytes(Self.serialReplyWithMD5)
    torn[torn.count - 1] = 0x00
    let good = OBPMessage(messageType: 0x101, payload: [3], regarding: 8)
    var decoder = OBPStreamDecoder()
    decoder.append(torn + good.encoded())
    #expect(
      decoder.next()
        == .failure(.badFooter(messageType: OBPMessageType.serialNumber, regarding: 7)))
    var results: [Result<OBPMessage, OBPFrameError>] = []
    while let result = decoder.next() { results.append(result) }
    #expect(results == [.success(good)])
    #expect(decoder.discardedByteCount == torn.count)
  }

  @Test func rejectsImplausibleHeadersWithoutWaitingForThem() throws {
    // A start-byte pair with a 4 GB length must not make the decoder wait for 4 GB.
    var fake: [UInt8] = [0xC1, 0xC0, 0x00, 0x11] + [UInt8](repeating: 0, count: 36)
    fake += [0xFF, 0xFF, 0xFF, 0xFF]
    let good = OBPMessage(messageType: 0x100)
    var decoder = OBPStreamDecoder()
    decoder.append(fake + good.encoded())
    #expect(try decoder.next()?.get() == good)
  }

  @Test func needsMoreBytesForAPartialHeader() {
    var decoder = OBPStreamDecoder()
    decoder.append(Array(OBPMessage(messageType: 0x100).encoded().prefix(20)))
    #expect(decoder.next() == nil)
    #expect(decoder.bufferedByteCount == 20)
  }
}
