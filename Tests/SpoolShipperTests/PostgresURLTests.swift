import Testing

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

  @Test("defaults: port 5432, sslmode prefer; postgresql:// is accepted")
  func defaults() throws {
    let url = try PostgresURL(parsing: "postgresql://u@127.0.0.1/d")
    #expect(url.endpoint == .tcp(host: "127.0.0.1", port: 5432))
    #expect(url.sslMode == .prefer)
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
