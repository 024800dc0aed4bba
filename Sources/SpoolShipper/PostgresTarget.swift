import NIOSSL
import NetworkSettings
import PostgresNIO

/// Everything needed to reach the database: the URL and the password, turned into the
/// connection configuration postgres-nio takes.
public struct PostgresTarget: Sendable {
  public var url: PostgresURL
  /// The password from the password file (or the URL); `nil` for trust or peer authentication.
  public var password: String?
  /// How long one connection attempt may take.
  public var connectTimeoutSeconds: Int64 = 10

  public init(url: PostgresURL, password: String? = nil) {
    self.url = url
    self.password = password ?? url.password
  }

  /// The configuration for `PostgresConnection.connect`; fails with a `DatabaseFailure` naming
  /// the file when the TLS settings cannot be used (an unreadable `sslrootcert`).
  func configuration() throws(DatabaseFailure) -> PostgresConnection.Configuration {
    var configuration: PostgresConnection.Configuration
    switch url.endpoint {
    case .tcp(let host, let port):
      configuration = .init(
        host: host, port: port, username: url.user, password: password, database: url.database,
        tls: try tls())
    case .unixSocket(let path):
      configuration = .init(
        unixSocketPath: path, username: url.user, password: password, database: url.database)
    }
    configuration.options.connectTimeout = .seconds(connectTimeoutSeconds)
    return configuration
  }

  private func tls() throws(DatabaseFailure) -> PostgresConnection.Configuration.TLS {
    do {
      return try tlsSettings()
    } catch {
      throw DatabaseFailure(kind: .refused, message: TLSFailure.setupMessage(error, target: url))
    }
  }

  /// `sslmode` as postgres-nio's TLS setting: `require` and `prefer` encrypt without checking
  /// the certificate (as libpq does); `verify-full` checks the chain against `sslrootcert` (or
  /// the system's roots) and the host name or IP address against the certificate's names.
  private func tlsSettings() throws -> PostgresConnection.Configuration.TLS {
    var tls = TLSConfiguration.makeClientConfiguration()
    switch url.sslMode {
    case .disable:
      return .disable
    case .prefer:
      tls.certificateVerification = .none
      return .prefer(try NIOSSLContext(configuration: tls))
    case .require:
      tls.certificateVerification = .none
      return .require(try NIOSSLContext(configuration: tls))
    case .verifyFull:
      tls.certificateVerification = .fullVerification
      if let roots = url.sslRootCertificate { tls.trustRoots = .file(roots) }
      return .require(try NIOSSLContext(configuration: tls))
    }
  }
}
