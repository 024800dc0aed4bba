// libFuzzer target: the TOML parser and the configuration loader must turn any text into either a
// configuration or an error with a position inside the text, never a crash or a hang.
import FuzzSupport
import InstrumentFamilies
import WhitlockConfiguration

@_cdecl("fuzz_config_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runLibFuzzer(argc, argv) { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    let lineCount = text.utf8.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    do {
      _ = try ConfigurationLoader.parse(text, source: "fuzz.toml")
    } catch let error as ConfigurationError {
      precondition(error.file == "fuzz.toml", "error names another file: \(error)")
      precondition(error.line >= 0 && error.line <= lineCount + 1, "line out of range: \(error)")
    } catch {
      fatalError("untyped error: \(error)")
    }
  }
}
