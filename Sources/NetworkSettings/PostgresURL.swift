import Foundation

/// A PostgreSQL connection URL as libpq writes it, checked before any connection is tried:
/// `postgres://USER@HOST:PORT/DATABASE?sslmode=require` or, for a Unix socket,
/// `postgres://USER@/DATABASE?host=/run/postgresql`.
///
/// Passwords belong in a password file (`--password-file`, `[ship] password_file`), so the URL
/// can appear in logs and `ps`; one given in the URL is still accepted.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
  /// Where the server listens.
  public enum Endpoint: Sendable, Equatable {
    /// A TCP host name or address and port.
    case tcp(host: String, port: Int)
    /// A Unix-domain socket file (`DIRECTORY/.s.PGSQL.PORT`).
    case unixSocket(path: String)
  }

  /// How the connection uses TLS (libpq's `sslmode`).
  public enum SSLMode: String, Sendable, CaseIterable {
    /// Never TLS.
    case disable
    /// TLS if the server offers it, without verifying its certificate (libpq's default; here the
    /// default only for a loopback host).
    case prefer
    /// TLS or no connection, without verifying the certificate.
    case require
    /// TLS with the certificate verified against `sslrootcert` (or the system's roots) and the
    /// host name checked. The default for every host that is not loopback.
    case verifyFull = "verify-full"
  }

  public var endpoint: Endpoint
  public var user: String
  public var database: String
  /// A password written into the URL itself (discouraged).
  public var password: String?
  /// `sslmode`: as written, or by default `verify-full` for a host that is not loopback (a
  /// password and lab data must not cross a network to a server whose identity is unchecked),
  /// `prefer` for a loopback host, where nothing crosses a network, and unused for a socket.
  public var sslMode: SSLMode
  /// Whether `sslmode` was written in the URL rather than chosen by default.
  public var sslModeIsExplicit: Bool
  /// PEM file with the certificate authorities that `verify-full` trusts.
  public var sslRootCertificate: String?

  /// Parses `text`; the error says which part is wrong.
  public init(parsing text: String) throws(PostgresURLError) {
    guard let components = URLComponents(string: text) else {
      throw PostgresURLError("\"\(Self.redact(text))\" is not a URL")
    }
    guard let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql" else {
      throw PostgresURLError(
        "\"\(Self.redact(text))\" must start with postgres:// or postgresql://")
    }
    var queryHost: String?
    var sslMode: SSLMode?
    var rootCertificate: String?
    for item in components.queryItems ?? [] {
      let value = item.value ?? ""
      switch item.name {
      case "host": queryHost = value
      case "sslmode":
        guard let mode = SSLMode(rawValue: value) else {
          let modes = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
          throw PostgresURLError("sslmode \"\(value)\" is not one of \(modes)")
        }
        sslMode = mode
      case "sslrootcert": rootCertificate = value
      default:
        throw PostgresURLError(
          "unknown URL parameter \"\(item.name)\" (known: host, sslmode, sslrootcert)")
      }
    }
    let port = components.port ?? 5432
    guard (1...65535).contains(port) else { throw PostgresURLError("port \(port) is out of range") }
    if let directory = queryHost, directory.hasPrefix("/") {
      endpoint = .unixSocket(path: directory + "/.s.PGSQL.\(port)")
    } else {
      let host = queryHost ?? components.host ?? ""
      guard !host.isEmpty else {
        throw PostgresURLError(
          "no host: write postgres://USER@HOST:PORT/DATABASE, or ?host=/socket/directory")
      }
      endpoint = .tcp(host: host, port: port)
    }
    guard let user = components.user, !user.isEmpty else {
      throw PostgresURLError("no user name: write postgres://USER@HOST/DATABASE")
    }
    self.user = user
    let path =
      components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
    guard !path.isEmpty, !path.contains("/") else {
      throw PostgresURLError("no database name: write postgres://USER@HOST/DATABASE")
    }
    database = path
    password = components.password
    if sslMode == .verifyFull, case .unixSocket = endpoint {
      throw PostgresURLError("sslmode verify-full needs a TCP host; Unix sockets do not use TLS")
    }
    sslModeIsExplicit = sslMode != nil
    self.sslMode = sslMode ?? (Self.isLocal(endpoint) ? .prefer : .verifyFull)
    sslRootCertificate = rootCertificate
  }

  /// Whether `endpoint` is a Unix socket or a loopback host (`localhost`, `127.0.0.0/8`, `::1`):
  /// a connection that never leaves the machine.
  public static func isLocal(_ endpoint: Endpoint) -> Bool {
    switch endpoint {
    case .unixSocket: return true
    case .tcp(let host, _):
      let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
      if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" { return true }
      if name == "0:0:0:0:0:0:0:1" { return true }
      let octets = name.split(separator: ".", omittingEmptySubsequences: false)
      return octets.count == 4 && octets[0] == "127"
        && octets.allSatisfy { UInt8($0) != nil }
    }
  }

  /// Why this URL's TLS does not protect the connection, or `nil` when it does (or need not:
  /// loopback and sockets). Said loudly at start and kept in the shipper's status.
  public var tlsWarning: String? {
    guard !Self.isLocal(endpoint), sslMode != .verifyFull else { return nil }
    let consequence =
      sslMode == .disable
      ? "the password and every record cross the network unencrypted"
      : "the server's certificate is not checked, so anyone on the path can pose as the "
        + "database and read the password and every record"
    return "sslmode=\(sslMode.rawValue) for \(self): \(consequence); use sslmode=verify-full "
      + "(with sslrootcert=CA.pem for a private authority)"
  }

  /// The URL without any password, for logs and status.
  public var description: String {
    var text = "postgres://\(user)@"
    switch endpoint {
    case .tcp(let host, let port):
      text += (host.contains(":") ? "[\(host)]" : host) + ":\(port)/\(database)"
      text += "?sslmode=\(sslMode.rawValue)"
    case .unixSocket(let path):
      text += "/\(database)?host=\(path)"
    }
    return text
  }

  /// `text` with anything between `://` and `@` after a colon (a password) replaced by `***`.
  static func redact(_ text: String) -> String {
    guard let schemeEnd = text.range(of: "://"), let at = text.range(of: "@"),
      schemeEnd.upperBound <= at.lowerBound,
      let colon = text[schemeEnd.upperBound..<at.lowerBound].firstIndex(of: ":")
    else { return text }
    return String(text[..<text.index(after: colon)]) + "***" + String(text[at.lowerBound...])
  }
}

/// A PostgreSQL URL that cannot be used, with what to write instead.
public struct PostgresURLError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { "invalid PostgreSQL URL: \(message)" }
}
