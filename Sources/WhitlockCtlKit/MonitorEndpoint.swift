import Foundation

/// Where a whitlockd monitor listens, as given on the command line: `http://HOST:PORT`,
/// `HOST:PORT` or `unix:/path/to/monitor.sock`.
public enum MonitorEndpoint: Sendable, Equatable, CustomStringConvertible {
  case tcp(host: String, port: Int)
  case unixSocket(path: String)

  /// The daemon's default address.
  public static let `default` = MonitorEndpoint.tcp(host: "127.0.0.1", port: 9464)

  /// Parses an endpoint, or returns `nil`.
  public init?(_ text: String) {
    if text.hasPrefix("unix:") {
      let path = String(text.dropFirst(5))
      guard path.hasPrefix("/") else { return nil }
      self = .unixSocket(path: path)
      return
    }
    var rest = Substring(text)
    if rest.hasPrefix("http://") { rest = rest.dropFirst(7) }
    if rest.hasSuffix("/") { rest = rest.dropLast() }
    var host: Substring
    var portText: Substring
    if rest.hasPrefix("[") {
      guard let close = rest.firstIndex(of: "]") else { return nil }
      host = rest[rest.index(after: rest.startIndex)..<close]
      portText = rest[rest.index(after: close)...].drop { $0 == ":" }
    } else {
      guard let colon = rest.lastIndex(of: ":") else { return nil }
      host = rest[..<colon]
      portText = rest[rest.index(after: colon)...]
    }
    guard !host.isEmpty, let port = Int(portText), (1...65535).contains(port) else { return nil }
    self = .tcp(host: String(host), port: port)
  }

  public var description: String {
    switch self {
    case .tcp(let host, let port):
      return host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    case .unixSocket(let path): return "unix:\(path)"
    }
  }

  /// The `Host` header value.
  var hostHeader: String {
    switch self {
    case .tcp(let host, let port):
      return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    case .unixSocket: return "localhost"
    }
  }
}
