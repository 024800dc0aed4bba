import Foundation
import TestSupport
import Testing
import WhitlockCore
import WhitlockCtlKit

/// Hostile sample ids and instrument ids ("Bad input"): each is refused with a clear
/// message, and a daemon that received them wrote nothing outside its state directory's spool.
///
/// Everything lives under one scratch root: the configuration and token beside the daemon's
/// working directory, the spool two levels down (`root/work/state/spool`), so a relative path
/// (`../../x`) or an absolute one into the root would land where the before/after listing sees it.
@Suite(.processHeavy) struct HostileInputTests {
  struct Layout {
    let root: String
    var work: String { root + "/work" }
    var spool: String { root + "/work/state/spool" }
    var configuration: String { root + "/whitlockd.toml" }
    var token: String { root + "/monitor.token" }

    init() throws {
      root =
        FileManager.default.temporaryDirectory
        .appendingPathComponent("whitlockd-hostile-\(UUID().uuidString)").path
      try FileManager.default.createDirectory(
        atPath: root + "/work/state", withIntermediateDirectories: true)
    }

    /// Every path under the root except those inside the spool, with its size for files.
    func listing() -> Set<String> {
      var result: Set<String> = []
      guard let walker = FileManager.default.enumerator(atPath: root) else { return result }
      while let relative = walker.nextObject() as? String {
        let path = root + "/" + relative
        if path == spool || path.hasPrefix(spool + "/") { continue }
        result.insert(relative)
      }
      return result
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
  }

  static let token = "hostile-token-0123456789abcdef"

  /// A sample id, the reason it is hostile, and what the refusal must say.
  static func hostileRequests(root: String) -> [(body: [UInt8], what: String, message: String)] {
    func body(_ members: [(String, String)]) -> [UInt8] {
      var writer = JSONWriter()
      writer.object(members.map { ($0.0, JSONValue.string($0.1)) })
      return writer.bytes
    }
    let idRule = "must be 1–64 characters of letters, digits"
    var cases: [([UInt8], String, String)] = [
      (body([("sample_id", "../../../escape")]), "relative path", "sample_id " + idRule),
      (body([("sample_id", "a/b")]), "path separator", "sample_id " + idRule),
      (
        body([("sample_id", root + "/escape")]), "absolute path into the root",
        "sample_id " + idRule
      ),
      (body([("sample_id", "a\\b")]), "backslash", "sample_id " + idRule),
      (body([("sample_id", "..")]), "parent directory", "sample_id " + idRule),
      (body([("sample_id", ".hidden")]), "hidden name", "sample_id " + idRule),
      (body([("sample_id", "nul\u{0}byte")]), "NUL", "sample_id " + idRule),
      (body([("sample_id", "line\nbreak")]), "newline", "sample_id " + idRule),
      (body([("sample_id", "\u{1B}[31mred")]), "terminal escape", "sample_id " + idRule),
      (body([("sample_id", "ünïcode")]), "non-ASCII", "sample_id " + idRule),
      (
        body([("sample_id", String(repeating: "A", count: 65))]), "65 characters",
        "sample_id " + idRule
      ),
      (body([("sample_id", "")]), "empty", "sample_id " + idRule),
      (
        body([("sample_id", "B-17"), ("point_id", "../p3")]), "point id with a path",
        "point_id " + idRule
      ),
      (
        body([("sample_id", "B-17"), ("operator", "j\u{7}doe\r\n")]), "operator with controls",
        "operator must be 1–64 printable characters"
      ),
      (
        body([("sample_id", "B-17"), ("../../escape", "x")]), "unknown member",
        "unknown member"
      ),
      (
        body([("sample_id", String(repeating: "A", count: 16_000))]), "16 kB id",
        "sample_id " + idRule
      ),
    ]
    // Megabytes of text: refused by size before anything parses it.
    cases.append(
      (
        body([("sample_id", String(repeating: "/..", count: 1_400_000))]), "4 MB of text",
        "body exceeds 16384 bytes"
      ))
    return cases
  }

  @Test func hostileSampleIdsAreRefusedAndNothingIsWrittenOutsideTheSpool() async throws {
    let layout = try Layout()
    defer { layout.remove() }
    try (Self.token + "\n").write(toFile: layout.token, atomically: false, encoding: .utf8)
    chmod(layout.token, 0o600)
    try """
    [spool]
    path = "\(layout.spool)"
    segment_max_age_s = 0.2
    [monitor]
    listen = "127.0.0.1:0"
    token_file = "\(layout.token)"
    [[instrument]]
    id = "r1"
    kind = "raman"
    driver = "simulated"
    exposure_s = 0.05
    [[instrument]]
    id = "x1"
    kind = "xrf"
    driver = "simulated"
    exposure_s = 1.0
    """.write(toFile: layout.configuration, atomically: true, encoding: .utf8)
    let before = layout.listing()

    let daemon = try ChildProcess(
      try ProductsDirectory.executable("whitlockd"), ["--config", layout.configuration],
      currentDirectory: layout.work)
    var endpoint: MonitorEndpoint?
    await daemon.wait(upTo: .seconds(60)) { child in
      endpoint = MonitoredDaemon.listeningEndpoint(in: child.standardError)
      return endpoint != nil || !child.isRunning
    }
    let monitor = try #require(endpoint, "whitlockd did not start: \(daemon.standardError)")
    let client = MonitorClient(endpoint: monitor, timeoutSeconds: 20)
    let authorization = [("Authorization", "Bearer \(Self.token)")]

    for request in Self.hostileRequests(root: layout.root) {
      let response = try await client.send(
        "POST", "/api/v1/runs", headers: authorization + [("Content-Type", "application/json")],
        body: request.body)
      #expect(
        [400, 413].contains(response.status),
        "\(request.what): HTTP \(response.status) \(response.text.prefix(200))")
      #expect(
        response.text.contains(request.message),
        "\(request.what): refusal says \(response.text.prefix(300))")
    }
    // A good id is still accepted: the refusals were about the ids, not the daemon.
    let accepted = try await client.send(
      "POST", "/api/v1/runs", headers: authorization,
      body: Array(#"{"sample_id": "B-17_ok.1", "point_id": "p3"}"#.utf8))
    #expect(accepted.status == 201, "\(accepted.text)")
    let published = await daemon.wait(upTo: .seconds(60)) { _ in
      Self.spoolText(layout.spool).contains("\"sample_id\":\"B-17_ok.1\"")
    }
    #expect(published, "no record of the accepted run reached the spool")

    daemon.send(SIGTERM)
    #expect(await daemon.waitForExit(upTo: .seconds(30)) == 0, "\(daemon.standardError)")
    // The only sample id any record carries is the accepted one.
    let sampleIDs = Set(
      Self.spoolText(layout.spool).split(separator: "\n").compactMap { line -> String? in
        guard let record = try? JSONParser.parse(String(line)) else { return "unparsable record" }
        return record["run"]?["sample_id"]?.stringValue
      })
    #expect(sampleIDs == ["B-17_ok.1"], "\(sampleIDs)")
    #expect(
      layout.listing() == before,
      "written outside the spool: \(layout.listing().subtracting(before))")
  }

  /// Instrument ids a configuration might carry, by what makes them hostile.
  static let hostileInstrumentIDs: [String: String] = [
    "path": "../escape", "separator": "a/b", "control character": "x\\u0001y",
    "terminal escape": "\\u001b[2J", "200 kB": String(repeating: "r", count: 200_000),
  ]

  @Test(arguments: ["path", "separator", "control character", "terminal escape", "200 kB"])
  func hostileInstrumentIdsInTheConfigurationAreRefusedBeforeAnythingIsWritten(what: String)
    async throws
  {
    let id = try #require(Self.hostileInstrumentIDs[what])
    let layout = try Layout()
    defer { layout.remove() }
    try """
    [spool]
    path = "\(layout.spool)"
    [monitor]
    enabled = false
    [[instrument]]
    id = "\(id)"
    kind = "raman"
    driver = "simulated"
    exposure_s = 0.05
    """.write(toFile: layout.configuration, atomically: true, encoding: .utf8)
    let before = layout.listing()
    let daemon = try ChildProcess(
      try ProductsDirectory.executable("whitlockd"), ["--config", layout.configuration],
      currentDirectory: layout.work)
    let status = await daemon.waitForExit(upTo: .seconds(60))
    #expect(status == 78, "\(what): exit \(String(describing: status)) \(daemon.standardError)")
    #expect(
      daemon.standardError.contains("instrument[0].id")
        && daemon.standardError.contains("must be 1–64 characters"),
      "\(what): \(daemon.standardError.prefix(500))")
    #expect(daemon.standardError.utf8.count < 4096, "\(what): the message echoes the whole id")
    #expect(
      !daemon.standardError.unicodeScalars.contains { $0.value == 0x01 || $0.value == 0x1B },
      "\(what): a control character reached the log")
    #expect(layout.listing() == before)
    #expect(!FileManager.default.fileExists(atPath: layout.spool), "\(what): spool created")
  }

  static func spoolText(_ spool: String) -> String {
    var text = ""
    for directory in [spool + "/new", spool + "/tmp"] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      for name in names.sorted() {
        text += (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
      }
    }
    return text
  }
}
