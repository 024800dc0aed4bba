import Foundation
import NetworkSettings
import Testing

@testable import SpoolShipper

@Suite("TLS failure messages")
struct TLSFailureTests {
  @Test(
    "BoringSSL's reason code is taken from its error text",
    arguments: [
      (
        "Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED"
          + " at /src/CNIOBoringSSL/ssl/handshake.cc:320", "CERTIFICATE_VERIFY_FAILED"
      ),
      (
        "Error: 268435696 error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL",
        "UNSUPPORTED_PROTOCOL"
      ),
      ("Error:  EOF during handshake", nil),
      ("", nil),
    ] as [(String, String?)])
  func reasonCode(text: String, reason: String?) {
    #expect(TLSFailure.reason(text) == reason)
  }

  @Test("an unreadable sslrootcert is refused before connecting, naming the file")
  func unreadableRootCertificate() throws {
    let url = try PostgresURL(
      parsing: "postgres://u@db.lab/d?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem")
    #expect {
      _ = try PostgresTarget(url: url).configuration()
    } throws: { error in
      guard let failure = error as? DatabaseFailure else { return false }
      return failure.kind == .refused
        && failure.message.contains("cannot use sslrootcert /nonexistent/ca.pem")
    }
  }

  @Test("a file that is not PEM is refused the same way")
  func malformedRootCertificate() throws {
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("not-a-ca-\(UUID().uuidString).pem").path
    try "not a certificate\n".write(toFile: file, atomically: false, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: file) }
    let url = try PostgresURL(
      parsing: "postgres://u@db.lab/d?sslmode=verify-full&sslrootcert=" + file)
    #expect {
      _ = try PostgresTarget(url: url).configuration()
    } throws: { error in
      (error as? DatabaseFailure)?.message.contains("it must be a readable PEM file") == true
    }
  }

  @Test("require and prefer build a TLS context without reading any file")
  func unverifiedModes() throws {
    for mode in ["require", "prefer", "disable"] {
      let url = try PostgresURL(parsing: "postgres://u@db.lab/d?sslmode=" + mode)
      _ = try PostgresTarget(url: url).configuration()
    }
  }
}
