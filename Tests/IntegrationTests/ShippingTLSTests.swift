import Foundation
import Spool
import TestSupport
import Testing

/// TLS to PostgreSQL, against a real server with `ssl = on`, a certificate signed by a CA made
/// at test time, and a `pg_hba.conf` that takes TLS connections only (`hostssl`): the shipper
/// ships with `sslmode=require` and with `verify-full` against that CA, and the server's own
/// `pg_stat_ssl` shows its sessions encrypted; `sslmode=disable`, `verify-full` against another
/// CA, `verify-full` to an address the certificate does not name, and `require` against a server
/// without TLS are each refused with one clear error and back-off while the segments wait.
@Suite("Shipping to PostgreSQL over TLS", .serialized, .processHeavy)
struct ShippingTLSTests {
  @Test(
    "require and verify-full ship over TLS, seen by the server",
    arguments: ["sslmode=require", "sslmode=verify-full&sslrootcert=CA"])
  func shipsOverTLS(query: String) async throws {
    let postgres = try await PostgresServer(tls: true)
    let authority = try #require(postgres.certificateAuthorityFile)
    let directory = try ShippingFixture.scratchDirectory("ship-tls")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    let records = try ShippingFixture.makeSpool(spool, segments: 3)
    let url = postgres.url(query: query.replacingOccurrences(of: "=CA", with: "=" + authority))

    let shipper = try Self.startShipper(url: url, spool: spool, postgres: postgres)
    #expect(
      await shipper.wait(upTo: .seconds(120)) {
        ShippingFixture.segments(spool, "new").isEmpty || !$0.isRunning
      }, "\(shipper.standardError.suffix(2000))")
    #expect(shipper.isRunning, "\(shipper.standardError.suffix(2000))")
    #expect(try await ShippingFixture.databaseTally(postgres).first == records)
    // The shipper keeps its connections open while it waits for more: the server reports each
    // of its sessions (named by application_name) as TLS, with the protocol and cipher.
    let sessions = try await postgres.psql(
      """
      SELECT count(*), bool_and(s.ssl), min(s.version), bool_and(s.cipher IS NOT NULL)
      FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
      WHERE a.application_name = 'whitlock-ship'
      """
    ).split(separator: "|").map(String.init)
    #expect(sessions.count == 4, "\(sessions)")
    #expect((Int(sessions.first ?? "") ?? 0) >= 1, "no shipper session: \(sessions)")
    #expect(sessions.dropFirst().first == "t", "a shipper session without TLS: \(sessions)")
    #expect(sessions.dropFirst(2).first?.hasPrefix("TLSv1.") == true, "\(sessions)")
    #expect(sessions.last == "t", "\(sessions)")
    shipper.send(SIGTERM)
    #expect(await shipper.waitForExit(upTo: .seconds(30)) == 0)
    await postgres.stop()
  }

  @Test(
    "no TLS, another CA, a name not in the certificate, a server without TLS: one error each",
    arguments: [
      ("sslmode=disable", "127.0.0.1", "no encryption"),
      (
        "sslmode=verify-full&sslrootcert=OTHER", "127.0.0.1",
        "TLS certificate cannot be verified against"
      ),
      (
        "sslmode=verify-full&sslrootcert=CA", "db.lab.example",
        "TLS certificate is not for 127.0.0.1"
      ),
      ("sslmode=require", nil, "the server does not offer TLS"),
    ] as [(String, String?, String)])
  func refusedWithOneError(query: String, certifiedName: String?, reason: String) async throws {
    // Without a certified name, a server without TLS at all.
    let postgres = try await PostgresServer(
      tls: certifiedName != nil, certificateNames: certifiedName.map { [$0] } ?? [])
    let authority = postgres.certificateAuthorityFile ?? "/nonexistent"
    let directory = try ShippingFixture.scratchDirectory("ship-tls-refused")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    _ = try ShippingFixture.makeSpool(spool, segments: 2)
    // An authority of the same name that did not sign the server's certificate.
    let other = try await CertificateAuthority(
      directory: directory + "/other-ca", name: "whitlock test CA")
    let url = postgres.url(
      query: query.replacingOccurrences(of: "=OTHER", with: "=" + other.certificate)
        .replacingOccurrences(of: "=CA", with: "=" + authority))

    let shipper = try Self.startShipper(
      url: url, spool: spool, postgres: postgres, extra: ["--log-level", "debug"])
    // Debug logging shows each further attempt; wait for several, then check for one error.
    let (retried, errors) = await ShippingFixture.errorsWhileRetrying(
      shipper, attempt: "failed the same way")
    #expect(retried, "\(shipper.standardError.suffix(2000))")
    #expect(shipper.isRunning, "the shipper keeps retrying instead of exiting")
    #expect(errors.count == 1, "\(errors)")
    #expect(errors.first?.contains(reason) == true, "\(errors)")
    #expect(errors.first?.contains(".build") == false, "a build path in the message: \(errors)")
    #expect(ShippingFixture.segments(spool, "new").count == 2)
    shipper.send(SIGTERM)
    #expect(await shipper.waitForExit(upTo: .seconds(30)) == 0)
    await postgres.stop()
  }

  private static func startShipper(
    url: String, spool: String, postgres: PostgresServer, extra: [String] = []
  ) throws -> ChildProcess {
    try ChildProcess(
      try ProductsDirectory.executable("whitlockctl"),
      [
        "ship", "--postgres", url, "--password-file", postgres.passwordFile, "--spool", spool,
        "--retry-max", "0.5",
      ] + extra)
  }
}
