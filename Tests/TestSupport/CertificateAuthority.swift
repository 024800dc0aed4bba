import Foundation

/// A throw-away certificate authority made with `openssl` for TLS tests: a self-signed CA
/// certificate and key in `directory`, and server certificates it signs on request.
///
/// Keys are ECDSA P-256 (quick to generate) and certificates last two days.
public struct CertificateAuthority: Sendable {
  /// The authority's PEM certificate: what a client trusts (`sslrootcert`).
  public let certificate: String
  /// The authority's PEM private key (mode 0600).
  public let key: String
  private let directory: String

  /// Creates `directory` and a new authority named `name` in it.
  public init(directory: String, name: String) async throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    self.directory = directory
    certificate = directory + "/ca.crt"
    key = directory + "/ca.key"
    try await Self.openssl(
      ["req", "-x509", "-days", "2"] + Self.newKey + [
        "-keyout", key, "-out", certificate, "-subj", "/CN=" + name,
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
      ])
    chmod(key, 0o600)
  }

  /// Issues a server certificate for `names` (host names and IP addresses, all put in the
  /// subject alternative names; the first is also the common name), with its key (mode 0600).
  public func issueServerCertificate(certificate: String, key: String, names: [String])
    async throws
  {
    let request = certificate + ".csr"
    let extensions = certificate + ".ext"
    defer {
      try? FileManager.default.removeItem(atPath: request)
      try? FileManager.default.removeItem(atPath: extensions)
    }
    try await Self.openssl(
      ["req"] + Self.newKey + ["-keyout", key, "-out", request, "-subj", "/CN=" + names[0]])
    chmod(key, 0o600)
    let alternatives = names.map { name in
      (name.split(separator: ".").allSatisfy { UInt8($0) != nil } ? "IP:" : "DNS:") + name
    }
    let text = """
      basicConstraints = critical, CA:FALSE
      keyUsage = critical, digitalSignature
      extendedKeyUsage = serverAuth
      subjectAltName = \(alternatives.joined(separator: ", "))

      """
    try text.write(toFile: extensions, atomically: false, encoding: .utf8)
    try await Self.openssl([
      "x509", "-req", "-in", request, "-CA", self.certificate, "-CAkey", self.key,
      "-CAcreateserial", "-CAserial", directory + "/ca.srl", "-days", "2", "-out", certificate,
      "-extfile", extensions,
    ])
  }

  /// `openssl req` options for a new unencrypted P-256 key.
  private static let newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]

  /// Runs `openssl` with `arguments`; throws with its standard error when it fails.
  private static func openssl(_ arguments: [String]) async throws {
    let result = try await Subprocess.run(
      URL(fileURLWithPath: "/usr/bin/openssl"), arguments, deadline: 120)
    guard result.status == 0 else {
      throw SubprocessFailure(
        description: "openssl \(arguments.prefix(2).joined(separator: " ")) failed: "
          + result.standardError)
    }
  }
}
