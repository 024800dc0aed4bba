import Testing
import WhitlockCore

@testable import NetworkSettings
@testable import SpoolShipper

@Suite("PostgreSQL URL")
struct PostgresURLTests {
  @Test("TCP URL with port, database and sslmode")
  func tcp() throws {
    let url = try PostgresURL(
      parsing: "postgres://whitlock@db.lab:6543/lab?sslmode=verify-full&sslrootcert=/etc/ca.pem")
    #expect(url.endpoint == .tcp(host: "db.lab", port: 6543))
    #expect(url.user == "whitlock")
    #expect(url.database == "lab")
    #expect(url.password == nil)
    #expect(url.sslMode == .verifyFull)
    #expect(url.sslRootCertificate == "/etc/ca.pem")
    #expect(url.description == "postgres://whitlock@db.lab:6543/lab?sslmode=verify-full")
  }

  @Test("defaults: port 5432, sslmode prefer on loopback; postgresql:// is accepted")
  func defaults() throws {
    let url = try PostgresURL(parsing: "postgresql://u@127.0.0.1/d")
    #expect(url.endpoint == .tcp(host: "127.0.0.1", port: 5432))
    #expect(url.sslMode == .prefer)
    #expect(!url.sslModeIsExplicit)
    #expect(url.tlsWarning == nil)
  }

  @Test(
    "sslmode defaults to verify-full off loopback, prefer on it",
    arguments: [
      ("postgres://u@db.lab/d", PostgresURL.SSLMode.verifyFull),
      ("postgres://u@10.0.0.7/d", .verifyFull),
      ("postgres://u@[fe80::1]:5432/d", .verifyFull),
      ("postgres://u@127.0.0.2/d", .prefer),
      ("postgres://u@localhost/d", .prefer),
      ("postgres://u@[::1]:5433/d", .prefer),
    ])
  func defaultSSLMode(text: String, mode: PostgresURL.SSLMode) throws {
    let url = try PostgresURL(parsing: text)
    #expect(url.sslMode == mode)
    #expect(url.tlsWarning == nil)
  }

  @Test(
    "a weaker sslmode chosen off loopback is accepted with a warning",
    arguments: ["disable", "prefer", "require"])
  func weakSSLModeIsWarned(mode: String) throws {
    let url = try PostgresURL(parsing: "postgres://u@db.lab/d?sslmode=\(mode)")
    #expect(url.sslMode.rawValue == mode)
    #expect(url.sslModeIsExplicit)
    let warning = try #require(url.tlsWarning)
    #expect(warning.contains("sslmode=\(mode) for postgres://u@db.lab:5432/d"))
    #expect(warning.contains("use sslmode=verify-full"))
    #expect(
      try PostgresURL(parsing: "postgres://u@127.0.0.1/d?sslmode=\(mode)").tlsWarning == nil)
  }

  @Test("the shipper's status carries the warning")
  func statusCarriesWarning() throws {
    let url = try PostgresURL(parsing: "postgres://u@db.lab/d?sslmode=require")
    let warning = try #require(url.tlsWarning)
    let status = ShipperStatus(database: url.description, tlsWarning: warning)
    #expect(status.snapshot.jsonValue["tls_warning"]?.stringValue == warning)
  }

  @Test("a Unix socket directory in host=")
  func unixSocket() throws {
    let url = try PostgresURL(parsing: "postgres://u@/d?host=/run/postgresql")
    #expect(url.endpoint == .unixSocket(path: "/run/postgresql/.s.PGSQL.5432"))
    #expect(url.description == "postgres://u@/d?host=/run/postgresql/.s.PGSQL.5432")
  }

  @Test("a password in the URL is kept but never printed")
  func passwordIsRedacted() throws {
    let url = try PostgresURL(parsing: "postgres://u:s3cret@h/d")
    #expect(url.password == "s3cret")
    #expect(!url.description.contains("s3cret"))
    #expect(PostgresURL.redact("postgres://u:s3cret@h/d") == "postgres://u:***@h/d")
  }

  @Test(
    "bad URLs name the part that is wrong",
    arguments: [
      ("mysql://u@h/d", "must start with postgres://"),
      ("postgres://h/d", "no user name"),
      ("postgres://u@h", "no database name"),
      ("postgres://u@h/d?sslmode=always", "sslmode \"always\" is not one of"),
      ("postgres://u@h/d?sslmod=require", "unknown URL parameter \"sslmod\""),
      ("postgres://u@/d", "no host"),
      ("postgres://u@/d?host=/s&sslmode=verify-full", "verify-full needs a TCP host"),
      ("postgres://u:pw@h:99999/d", "port 99999 is out of range"),
    ])
  func badURL(text: String, message: String) {
    #expect {
      try PostgresURL(parsing: text)
    } throws: { error in
      "\(error)".contains(message) && !"\(error)".contains(":pw@")
    }
  }
}
