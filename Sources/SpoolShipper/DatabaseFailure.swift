import NetworkSettings
import PostgresNIO

/// A failed database operation, sorted by what the shipper does about it, with a message that
/// names the cause (postgres-nio's own descriptions hide it on purpose).
struct DatabaseFailure: Error, Sendable, CustomStringConvertible {
  enum Kind: Sendable, Equatable {
    /// The server cannot be reached or dropped the connection: reconnect with back-off.
    case unreachable
    /// The server refused us (authentication, permissions, a missing database, TLS): nothing
    /// the shipper can fix; keep the backlog and retry with back-off until an operator does.
    case refused
    /// The server rejected the segment's data: quarantine the segment, ship the rest.
    case rejectedData
  }

  var kind: Kind
  var message: String

  var description: String { message }

  init(kind: Kind, message: String) {
    self.kind = kind
    self.message = message
  }

  /// Classifies `error` thrown while talking to `target`.
  init(_ error: any Error, target: PostgresURL) {
    if let failure = error as? DatabaseFailure {
      self = failure
      return
    }
    guard let error = error as? PSQLError else {
      self.init(kind: .unreachable, message: "\(target): \(error)")
      return
    }
    if error.code == .server, let info = error.serverInfo {
      let state = info[.sqlState] ?? "?????"
      var message = "\(target): \(info[.message] ?? "server error") (SQLSTATE \(state))"
      if let detail = info[.detail] { message += ": \(detail)" }
      self.init(kind: Self.kind(sqlState: state), message: message)
      return
    }
    if let underlying = error.underlying,
      let message = TLSFailure.message(underlying, target: target)
    {
      self.init(kind: .refused, message: message)
      return
    }
    let underlying = error.underlying.map { ": \($0)" } ?? ""
    switch error.code {
    case .sslUnsupported:
      self.init(
        kind: .refused,
        message: "\(target): the server does not offer TLS; set sslmode=disable or enable ssl")
    case .failedToAddSSLHandler:
      self.init(kind: .refused, message: "\(target): cannot set up TLS\(underlying)")
    case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
      self.init(
        kind: .refused,
        message: "\(target): authentication failed (\(error.code))\(underlying); "
          + "check the password file")
    default:
      self.init(kind: .unreachable, message: "\(target): \(error.code)\(underlying)")
    }
  }

  /// What a SQLSTATE means for the shipper.
  static func kind(sqlState: String) -> Kind {
    switch sqlState.prefix(2) {
    case "22", "23": return .rejectedData  // data exception, integrity constraint violation
    case "28", "3D", "42": return .refused  // authorization, no such database, syntax/privilege
    default: return .unreachable  // connection, shutdown, resources: worth another try
    }
  }
}
