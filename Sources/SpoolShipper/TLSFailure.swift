import Foundation
import NIOSSL
import NetworkSettings

/// What went wrong with TLS, in words an operator can act on: NIOSSL's errors name BoringSSL's
/// reason code deep inside a description that also holds a source path.
enum TLSFailure {
  /// The message for `error` (a NIOSSL error) met while connecting to `target`, or `nil` when it
  /// is not a TLS error.
  static func message(_ error: any Error, target: PostgresURL) -> String? {
    let roots = target.sslRootCertificate.map { "sslrootcert \($0)" } ?? "the system's roots"
    if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
      return "\(target): the server's TLS certificate is not for \(hostName(target)); "
        + "connect by a name or address the certificate lists"
    }
    guard let error = error as? NIOSSLError else { return nil }
    switch error {
    case .handshakeFailed(let failure):
      let reasons = reasons(failure)
      if reasons.contains("CERTIFICATE_VERIFY_FAILED") {
        return "\(target): the server's TLS certificate cannot be verified against \(roots) "
          + "(not signed by an authority there, expired, or not yet valid)"
      }
      let detail = reasons.isEmpty ? "\(failure)" : reasons.joined(separator: ", ")
      return "\(target): TLS handshake failed (\(detail))"
    default:
      return "\(target): TLS failed (\(error))"
    }
  }

  /// The message for a TLS setup that cannot be used before connecting (an unreadable or
  /// malformed `sslrootcert`).
  static func setupMessage(_ error: any Error, target: PostgresURL) -> String {
    if let file = target.sslRootCertificate {
      return "\(target): cannot use sslrootcert \(file) (\(error)); it must be a readable PEM file"
    }
    return "\(target): cannot set up TLS (\(error))"
  }

  /// BoringSSL's reason codes (`CERTIFICATE_VERIFY_FAILED`) in `failure`.
  static func reasons(_ failure: BoringSSLError) -> [String] {
    switch failure {
    case .sslError(let stack), .unknownError(let stack), .invalidSNIName(let stack),
      .failedToSetALPN(let stack):
      return stack.compactMap { reason(String(describing: $0)) }
    default:
      return []
    }
  }

  /// The reason code in one BoringSSL error text,
  /// `Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at FILE:LINE`.
  static func reason(_ text: String) -> String? {
    let message = text.range(of: " at ").map { text[..<$0.lowerBound] } ?? text[...]
    guard message.contains("error:"), let last = message.split(separator: ":").last else {
      return nil
    }
    let reason = last.trimmingCharacters(in: .whitespaces)
    return reason.isEmpty ? nil : reason
  }

  private static func hostName(_ target: PostgresURL) -> String {
    if case .tcp(let host, _) = target.endpoint { return host }
    return "the socket"
  }
}
