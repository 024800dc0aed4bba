import AmptekDP5
import Testing
import WhitlockCore

/// Every ACK code of protocols-detail.md §1.7 (Amptek SDK `PID2_ACK_TYPE`, ckoern packet.h) maps to
/// success or to its own typed error, and back to the same code.
@Suite struct AcknowledgementTests {
  static let expected: [(UInt8, DP5DeviceError?)] = [
    (0x00, nil),
    (0x01, .syncError),
    (0x02, .pidError),
    (0x03, .lengthError),
    (0x04, .checksumError),
    (0x05, .badParameter(command: "MCAC=3000;")),
    (0x06, .badHexRecord),
    (0x07, .unrecognizedCommand(command: "MCAC=3000;")),
    (0x08, .fpgaError),
    (0x09, .ethernetControllerNotFound),
    (0x0A, .scopeDataNotAvailable),
    (0x0B, .pc5NotPresent(command: "MCAC=3000;")),
    (0x0C, nil),
    (0x0D, .busy),
    (0x0E, .i2cError),
    (0x0F, nil),
    (0x10, .featureNotSupported),
    (0x11, .calibrationDataNotPresent),
    (0x12, .unknownAcknowledgement(code: 0x12)),
    (0xFE, .unknownAcknowledgement(code: 0xFE)),
  ]

  @Test func everyCodeMapsToItsOwnError() throws {
    let echoed = Array("MCAC=3000;".utf8)
    for (code, error) in Self.expected {
      let bytes = DP5Packet(pid1: 0xFF, pid2: code, data: echoed).encoded
      var decoder = DP5StreamDecoder(direction: .responses)
      decoder.append(bytes)
      let frame = decoder.next()
      let packet = try #require(try frame?.content.get())
      guard case .acknowledgement(let decodedCode, let data) = try DP5Response(packet: packet)
      else {
        Issue.record("0x\(code) did not decode as an acknowledgement")
        continue
      }
      let decodedError = DP5DeviceError(ackCode: decodedCode, data: data)
      #expect(decodedError == error, "code \(code)")
      #expect(DP5AckCode(rawValue: code)?.isSuccess ?? false == (error == nil))
      if let error {
        #expect(error.acknowledgement.code == code)
        #expect(!error.description.isEmpty)
      }
    }
    #expect(Set(Self.expected.compactMap(\.1).map(\.description)).count == 17)
    #expect(DP5AckCode.allCases.count == 18)
  }

  @Test func errorsMapToInstrumentErrorCategories() {
    #expect(DP5DeviceError.busy.instrumentError.category == .deviceRejected)
    #expect(DP5DeviceError.busy.instrumentError.message.contains("another interface"))
    #expect(DP5DeviceError.badParameter(command: "X").instrumentError.category == .configuration)
    #expect(DP5DeviceError.checksumError.instrumentError.category == .protocolViolation)
    #expect(DP5DeviceError.checksumError.isTransient && DP5DeviceError.busy.isTransient)
    #expect(!DP5DeviceError.pidError.isTransient)
  }
}
