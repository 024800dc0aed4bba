/// Who may talk to the monitor, decided per request before any route runs.
///
/// - On a loopback address a request is answered only when its `Host` names the loopback
///   interface (`localhost`, `127.0.0.1`, `[::1]` or the bound address) with the bound port, or a
///   name in `allowedHosts`. A web page the operator happens to open cannot then reach the
///   monitor through DNS rebinding: its requests carry the attacker's host name.
/// - On any other address every endpoint but `/healthz` and `/readyz` needs the bearer token, and
///   `allowedHosts`, when given, limits the `Host` names too.
/// - A Unix-domain socket is out of a browser's reach and needs neither.
public struct MonitorAccessPolicy: Sendable, Equatable {
  /// Why a request was refused.
  public enum Refusal: Sendable, Equatable {
    /// The `Host` header is not one this monitor answers to.
    case host(String)
    /// The endpoint needs the bearer token on this address.
    case token
  }

  /// Where the monitor listens.
  public var address: MonitorAddress
  /// Further `Host` names accepted (`name` for any port, or `name:port`), lower case.
  public var allowedHosts: [String]

  public init(address: MonitorAddress, allowedHosts: [String] = []) {
    self.address = address
    self.allowedHosts = allowedHosts.map { $0.lowercased() }
  }

  /// Whether `host` is a loopback name or address literal.
  public static func isLoopback(host: String) -> Bool {
    let name = host.lowercased()
    if name == "localhost" || name == "::1" || name == "[::1]" { return true }
    let octets = name.split(separator: ".", omittingEmptySubsequences: false)
    return octets.count == 4 && octets[0] == "127"
      && octets.allSatisfy { UInt8($0) != nil }
  }

  /// Whether the monitor listens beyond this machine, so that every endpoint but health needs
  /// the token.
  public var requiresTokenForEverything: Bool {
    if case .tcp(let host, _) = address { return !Self.isLoopback(host: host) }
    return false
  }

  /// Endpoints a load balancer or systemd may probe without the token.
  public static func isHealthPath(_ path: String) -> Bool {
    path == "/healthz" || path == "/readyz"
  }

  /// `nil` when the request may proceed, else why not. `boundPort` is the port actually bound
  /// (the configured one may be 0); `hasValidToken` whether it carried the right bearer token.
  public func check(hostHeader: String?, path: String, boundPort: Int, hasValidToken: Bool)
    -> Refusal?
  {
    guard case .tcp(let boundHost, _) = address else { return nil }
    let host = (hostHeader ?? "").lowercased()
    let loopbackBind = Self.isLoopback(host: boundHost)
    if loopbackBind || !allowedHosts.isEmpty {
      guard accepts(host: host, boundHost: boundHost.lowercased(), boundPort: boundPort) else {
        return .host(hostHeader ?? "")
      }
    }
    if requiresTokenForEverything && !Self.isHealthPath(path) && !hasValidToken {
      return .token
    }
    return nil
  }

  private func accepts(host: String, boundHost: String, boundPort: Int) -> Bool {
    let (name, port) = Self.split(host)
    if allowedHosts.contains(host) || allowedHosts.contains(name) { return true }
    let literal = boundHost.contains(":") ? "[\(boundHost)]" : boundHost
    let loopbackNames = ["localhost", "127.0.0.1", "[::1]", literal]
    return loopbackNames.contains(name) && (port ?? 80) == boundPort
  }

  /// `name[:port]` or `[v6]:port` split into its name and port.
  static func split(_ host: String) -> (name: String, port: Int?) {
    if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
      let name = String(host[...close])
      let rest = host[host.index(after: close)...]
      return (name, rest.hasPrefix(":") ? Int(rest.dropFirst()) : nil)
    }
    guard let colon = host.lastIndex(of: ":") else { return (host, nil) }
    return (String(host[..<colon]), Int(host[host.index(after: colon)...]))
  }
}
