/// Where the monitor listens.
public enum MonitorAddress: Sendable, Equatable, CustomStringConvertible {
  /// TCP on `host:port`; port 0 lets the system choose (the bound address is logged).
  case tcp(host: String, port: Int)
  /// A Unix-domain socket at `path` (a stale socket left by a crash is replaced).
  case unixSocket(path: String)

  /// The default, loopback only: Prometheus' registered port range, 9464.
  public static let `default` = MonitorAddress.tcp(host: "127.0.0.1", port: 9464)

  public var description: String {
    switch self {
    case .tcp(let host, let port):
      return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    case .unixSocket(let path): return "unix:\(path)"
    }
  }

  /// Parses `host:port` or `[v6-host]:port`, or returns `nil`.
  public static func parseListen(_ text: String) -> MonitorAddress? {
    var host: Substring
    var portText: Substring
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]"),
        text[text.index(after: close)...].hasPrefix(":")
      else { return nil }
      host = text[text.index(after: text.startIndex)..<close]
      portText = text[text.index(close, offsetBy: 2)...]
    } else {
      guard let colon = text.lastIndex(of: ":") else { return nil }
      host = text[..<colon]
      portText = text[text.index(after: colon)...]
      if host.contains(":") { return nil }
    }
    guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
    return .tcp(host: String(host), port: port)
  }
}
