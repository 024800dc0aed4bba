import Testing

@testable import SpoolShipper

@Suite("JSON member scanner")
struct JSONMemberScannerTests {
  @Test("the eight-byte test finds exactly the quote, brackets and braces, in any position")
  func structuralBytes() {
    let structural: Set<UInt8> = [0x22, 0x5B, 0x5D, 0x7B, 0x7D]
    for filler: UInt8 in [0x30, 0x2C, 0x00, 0xFF, 0x02, 0x5F] {
      for position in 0..<8 {
        for byte in UInt8.min...UInt8.max {
          var word = [UInt8](repeating: filler, count: 8)
          word[position] = byte
          let value = word.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
          #expect(
            JSONMemberScanner.hasStructuralByte(value)
              == (structural.contains(byte) || structural.contains(filler)),
            "byte \(byte) at \(position) among \(filler)")
        }
      }
    }
  }

  @Test("members found whatever the alignment of long plain runs and nested values")
  func alignments() throws {
    for padding in 0..<17 {
      let digits = String(repeating: "7,", count: padding) + "7"
      let text = #"{"a":[\#(digits)],"b":{"c":"]}\"[{"},"d":[[1],{"e":2}],"f":3}"#
      let members = try #require(JSONMemberScanner.members(Array(text.utf8)[...]))
      #expect(members.map(\.key) == ["a", "b", "d", "f"])
      let bytes = Array(text.utf8)
      #expect(String(decoding: bytes[members[1].value], as: UTF8.self) == #"{"c":"]}\"[{"}"#)
      #expect(String(decoding: bytes[members[3].value], as: UTF8.self) == "3")
      #expect(JSONMemberScanner.members(Array(text.dropLast().utf8)[...]) == nil)
    }
  }
}
