// libFuzzer target: JSONParser must never crash or hang on any bytes, and whatever it accepts must
// survive a write/parse round trip unchanged.
import FuzzSupport
import WhitlockCore

@_cdecl("fuzz_json_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runLibFuzzer(argc, argv) { bytes in
    guard let value = try? JSONParser.parse(bytes) else { return }
    var writer = JSONWriter(reservingCapacity: bytes.count * 2 + 16)
    writer.value(value)
    guard let again = try? JSONParser.parse(writer.bytes) else {
      fatalError("JSONWriter output does not parse back")
    }
    // Numbers may change representation (1.0 → 1), so compare a second round trip.
    var second = JSONWriter(reservingCapacity: writer.bytes.count + 16)
    second.value(again)
    precondition(second.bytes == writer.bytes, "JSON round trip is not stable")
  }
}
