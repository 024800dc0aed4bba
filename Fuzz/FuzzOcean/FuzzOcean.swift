// libFuzzer target: the Ocean Insight decoders (OBP stream framing, OOI replies, spectrum
// unpacking) and the Wasatch EEPROM parser must reject any bytes with an error, never crash.
import FuzzSupport
import OceanInsight
import Wasatch

@_cdecl("fuzz_ocean_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runLibFuzzer(argc, argv) { bytes in
    // Feed the OBP decoder in two fragments split by the first byte, to exercise resynchronising.
    var decoder = OBPStreamDecoder(maximumMessageLength: 1 << 16)
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    decoder.append(bytes[..<split])
    while decoder.next() != nil {}
    decoder.append(bytes[split...])
    while let result = decoder.next() {
      if case .success(let message) = result {
        // Whatever decodes must encode to a frame that decodes again.
        var again = OBPStreamDecoder(maximumMessageLength: 1 << 16)
        again.append(message.encoded())
        guard case .success? = again.next() else { fatalError("re-encoded OBP message is invalid") }
      }
    }
    _ = try? OOIReply.slotText(bytes, slot: 1)
    _ = try? OOIReply.slotNumber(bytes, slot: 1)
    for model in [OceanModel.qePro, .sts, .hr4000, .usb2000Plus] {
      _ = try? OceanSpectrum(raw: bytes, model: model)
    }
    let pages = stride(from: 0, to: bytes.count, by: 64).map {
      Array(bytes[$0..<min($0 + 64, bytes.count)])
    }
    _ = try? WasatchEEPROM(pages: pages)
  }
}
