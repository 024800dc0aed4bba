import Foundation
import InstrumentFamilies
import Testing
import WhitlockConfiguration

/// Hostile configuration files (bad input): each is refused with file, line and key,
/// before anything is opened or written.
@Suite struct HostileConfigurationTests {
  private func scratchFile(_ bytes: [UInt8]) throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockd-hostile-\(UUID().uuidString).toml").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  private func failure(_ text: String) -> ConfigurationError? {
    do {
      _ = try ConfigurationLoader.parse(text, source: "hostile.toml")
      return nil
    } catch { return error }
  }

  @Test func megabytesOfTextAreRefusedBySizeBeforeParsing() throws {
    let line = Array("# padding padding padding padding padding padding padding padding\n".utf8)
    var bytes: [UInt8] = []
    while bytes.count <= 3 << 20 { bytes += line }
    let path = try scratchFile(bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let error = try #require(throws: ConfigurationError.self) {
      _ = try ConfigurationLoader.load(path: path)
    }
    #expect(error.file == path)
    #expect(error.message == "file is \(bytes.count) bytes; the limit is 1048576", "\(error)")
  }

  @Test func invalidUTF8IsRefused() throws {
    let path = try scratchFile(
      Array("[spool]\npath = \"".utf8) + [0xFF, 0xFE] + Array("\"\n".utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let error = try #require(throws: ConfigurationError.self) {
      _ = try ConfigurationLoader.load(path: path)
    }
    #expect(error.message == "file is not valid UTF-8")
  }

  @Test(arguments: [
    ("exposure_s = 1e300", "instrument.exposure_s", "is outside"),
    ("exposure_s = nan", "instrument.exposure_s", "is outside"),
    ("exposure_s = -inf", "instrument.exposure_s", "is outside"),
    ("exposure_s = \"fast\"", "instrument.exposure_s", "expected"),
    ("exposure_s = 0", "instrument.exposure_s", "is outside"),
    ("id = 7", "instrument.id", "expected"),
    ("exposure_seconds = 1", "instrument.exposure_seconds", "unknown key"),
  ])
  func absurdOrMistypedInstrumentValuesNameLineAndKey(
    line: String, key: String, message: String
  ) throws {
    let text = """
      [spool]
      path = "/tmp/never-created"
      [[instrument]]
      kind = "raman"
      driver = "simulated"
      \(line.hasPrefix("id ") ? "" : "id = \"r1\"")
      \(line)
      """
    let error = try #require(failure(text))
    #expect(error.file == "hostile.toml")
    #expect(error.line == 7, "\(error)")
    #expect(error.key.hasSuffix(key.split(separator: ".").last.map(String.init) ?? key), "\(error)")
    #expect(error.message.contains(message), "\(error)")
  }

  @Test(arguments: [
    "backlog_records = 9223372036854775807", "segment_max_bytes = 0",
    "segment_max_records = -5", "path = 17",
  ])
  func absurdSpoolValuesAreRefused(_ line: String) throws {
    let error = try #require(
      failure(
        "[spool]\n\(line)\n[[instrument]]\nid = \"r\"\nkind = \"raman\"\ndriver = \"simulated\"\n"))
    #expect(error.line == 2, "\(error)")
    #expect(error.key.hasPrefix("spool."), "\(error)")
  }
}
