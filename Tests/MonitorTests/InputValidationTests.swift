import Foundation
import Monitor
import NetworkSettings
import Testing

@Suite struct RunRequestTests {
  private func parse(_ text: String) throws -> RunRequest { try RunRequest.parse(Array(text.utf8)) }

  @Test func acceptsAFullRequest() throws {
    let request = try parse(
      #"{"sample_id":"B-2024_017.a","operator":"Dr Ana Müller","point_id":"p3"}"#)
    #expect(
      request == RunRequest(sampleID: "B-2024_017.a", operatorName: "Dr Ana Müller", pointID: "p3"))
  }

  @Test(arguments: [
    "../etc/passwd", "a/b", "/abs", ".hidden", "..", "", "sp ace", "tab\there",
    String(repeating: "x", count: 65), "nul\u{0}", "ü",
  ])
  func refusesSampleIDsThatCouldBecomePathsOrAreMalformed(_ sample: String) {
    var escaped = ""
    for scalar in sample.unicodeScalars {
      escaped += scalar.value < 0x20 ? String(format: "\\u%04x", scalar.value) : String(scalar)
    }
    #expect(throws: RunRequest.Invalid.self) { try parse(#"{"sample_id":"\#(escaped)"}"#) }
  }

  @Test func refusesOversizeBodiesUnknownMembersAndWrongTypes() {
    let big = #"{"sample_id":"a","operator":""# + String(repeating: "x", count: 17_000) + #""}"#
    #expect(throws: RunRequest.Invalid(description: "body exceeds 16384 bytes")) {
      try parse(big)
    }
    #expect(throws: RunRequest.Invalid.self) { try parse(#"{"sample_id":"a","path":"/x"}"#) }
    #expect(throws: RunRequest.Invalid.self) { try parse(#"{"sample_id":5}"#) }
    #expect(throws: RunRequest.Invalid.self) { try parse(#"["sample_id"]"#) }
    #expect(throws: RunRequest.Invalid.self) {
      try parse(#"{"sample_id":"a","operator":"x\u0007"}"#)
    }
    #expect(throws: RunRequest.Invalid.self) { try parse("not json") }
  }
}

@Suite struct BearerTokenTests {
  private func tokenFile(_ text: String, mode: mode_t) throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("token-\(UUID().uuidString)").path
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    chmod(path, mode)
    return path
  }

  @Test func acceptsOnlyTheRightBearerToken() throws {
    let path = try tokenFile("s3cret-token-0123456789\n", mode: 0o600)
    defer { unlink(path) }
    let token = try BearerToken(contentsOf: path)
    #expect(token.accepts(authorization: "Bearer s3cret-token-0123456789"))
    #expect(!token.accepts(authorization: "Bearer s3cret-token-012345678"))
    #expect(!token.accepts(authorization: "Bearer s3cret-token-01234567890"))
    #expect(!token.accepts(authorization: "s3cret-token-0123456789"))
    #expect(!token.accepts(authorization: nil))
  }

  @Test(arguments: [0o604, 0o602, 0o666, 0o644])
  func refusesFilesOtherUsersCanReadOrWrite(_ mode: Int) throws {
    let path = try tokenFile("s3cret-token-0123456789", mode: mode_t(mode))
    defer { unlink(path) }
    #expect {
      try BearerToken(contentsOf: path)
    } throws: { error in
      "\(error)".contains("must not be readable or writable by other users")
    }
  }

  @Test func refusesShortTokensAndMissingFiles() throws {
    let path = try tokenFile("short", mode: 0o600)
    defer { unlink(path) }
    #expect(throws: BearerToken.Refusal.self) { try BearerToken(contentsOf: path) }
    #expect(throws: BearerToken.Refusal.self) { try BearerToken(contentsOf: path + ".missing") }
  }
}

@Suite struct MonitorAddressTests {
  @Test func parsesListenAddresses() {
    #expect(MonitorAddress.parseListen("127.0.0.1:9464") == .tcp(host: "127.0.0.1", port: 9464))
    #expect(MonitorAddress.parseListen("[::1]:0") == .tcp(host: "::1", port: 0))
    #expect(MonitorAddress.parseListen("localhost:70000") == nil)
    #expect(MonitorAddress.parseListen("::1:80") == nil)
    #expect(MonitorAddress.parseListen("9464") == nil)
  }
}

@Suite struct BearerTokenGroupTests {
  private func tokenFile(mode: mode_t) throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("token-\(UUID().uuidString)").path
    try "s3cret-token-0123456789".write(toFile: path, atomically: false, encoding: .utf8)
    chmod(path, mode)
    return path
  }

  @Test(arguments: [0o620, 0o660, 0o720])
  func refusesFilesItsGroupCanWrite(_ mode: Int) throws {
    let path = try tokenFile(mode: mode_t(mode))
    defer { unlink(path) }
    #expect {
      try BearerToken(contentsOf: path)
    } throws: { error in
      "\(error)".contains("must not be writable by its group")
        && "\(error)".contains("chmod g-w \(path)")
    }
  }

  @Test func acceptsAFileItsGroupMayOnlyRead() throws {
    let path = try tokenFile(mode: 0o640)
    defer { unlink(path) }
    #expect(
      try BearerToken(contentsOf: path).accepts(authorization: "Bearer s3cret-token-0123456789"))
  }
}
