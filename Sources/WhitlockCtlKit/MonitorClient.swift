import Foundation
import WhitlockCore

#if canImport(Glibc)
  import Glibc
#endif

/// A small blocking HTTP/1.1 client for the monitor API, over TCP or a Unix-domain socket.
///
/// whitlockctl needs only GET and POST against one local daemon, plus a long-lived SSE stream;
/// speaking the protocol directly keeps it free of an HTTP stack and lets it reach a daemon that
/// listens on a Unix socket.
public struct MonitorClient: Sendable {
  /// A failed request: connection refused, timeout, malformed response.
  public struct Failure: Error, Sendable, CustomStringConvertible {
    public var description: String
  }

  /// A complete response.
  public struct Response: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
      headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
  }

  public var endpoint: MonitorEndpoint
  /// Longest wait for any single read or write.
  public var timeoutSeconds: Double

  /// The bearer token sent with every request: a monitor beyond loopback needs it for all but
  /// health, one on loopback for run control.
  public var bearerToken: String?
  /// The `Host` header to send instead of the endpoint's own (to check how the monitor treats
  /// foreign names).
  public var hostHeader: String?

  public init(
    endpoint: MonitorEndpoint, timeoutSeconds: Double = 10, bearerToken: String? = nil
  ) {
    self.endpoint = endpoint
    self.timeoutSeconds = timeoutSeconds
    self.bearerToken = bearerToken
  }

  private func headers(adding extra: [(String, String)]) -> [(String, String)] {
    var headers = extra
    if let bearerToken, !extra.contains(where: { $0.0.lowercased() == "authorization" }) {
      headers.append(("Authorization", "Bearer \(bearerToken)"))
    }
    return headers
  }

  /// Sends one request and reads the whole response.
  public func request(
    _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
  ) throws(Failure) -> Response {
    BlockingWork.assertOffPool("MonitorClient.request")
    let connection = try HTTPConnection(
      endpoint: endpoint, timeoutSeconds: timeoutSeconds, hostHeader: hostHeader)
    defer { connection.close() }
    try connection.send(
      method: method, path: path, headers: self.headers(adding: headers), body: body)
    var (status, responseHeaders) = try connection.readHead()
    var reader = BodyReader(headers: responseHeaders)
    var collected: [UInt8] = []
    while let chunk = try reader.next(from: connection) { collected += chunk }
    if status == 0 { status = -1 }
    responseHeaders = responseHeaders.filter { !$0.0.isEmpty }
    return Response(status: status, headers: responseHeaders, body: collected)
  }

  /// `request` on a thread of its own, for async callers (see `offPool`).
  public func send(
    _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
  ) async throws -> Response {
    let client = self
    return try await offPool { try client.request(method, path, headers: headers, body: body) }
  }

  /// Opens `GET /api/v1/events` and calls `onEvent` for every server-sent event until it returns
  /// `false`, the stream ends, or no byte arrives for `timeoutSeconds`.
  public func streamEvents(
    lastEventID: UInt64? = nil, onEvent: (ServerSentEvent) -> Bool
  ) throws(Failure) {
    BlockingWork.assertOffPool("MonitorClient.streamEvents")
    let connection = try HTTPConnection(
      endpoint: endpoint, timeoutSeconds: timeoutSeconds, hostHeader: hostHeader)
    defer { connection.close() }
    var headers = [("Accept", "text/event-stream")]
    if let lastEventID { headers.append(("Last-Event-ID", String(lastEventID))) }
    try connection.send(
      method: "GET", path: "/api/v1/events", headers: self.headers(adding: headers), body: [])
    let (status, responseHeaders) = try connection.readHead()
    guard status == 200 else { throw Failure(description: "events: HTTP \(status)") }
    var reader = BodyReader(headers: responseHeaders)
    var parser = ServerSentEventParser()
    while let chunk = try reader.next(from: connection) {
      for event in parser.feed(chunk) where !onEvent(event) { return }
    }
  }
}

/// One socket, with deadlines on every read and write.
final class HTTPConnection {
  private let descriptor: Int32
  private let endpoint: MonitorEndpoint
  private let timeoutMilliseconds: Int32
  private let hostHeader: String
  private var buffer: [UInt8] = []
  private var start = 0
  private var closedByPeer = false

  init(endpoint: MonitorEndpoint, timeoutSeconds: Double, hostHeader: String? = nil)
    throws(MonitorClient.Failure)
  {
    self.endpoint = endpoint
    self.hostHeader = hostHeader ?? endpoint.hostHeader
    timeoutMilliseconds = Int32(max(1, min(timeoutSeconds * 1000, Double(Int32.max))))
    switch endpoint {
    case .unixSocket(let path):
      let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
      guard fd >= 0 else { throw Self.failure("socket") }
      var address = sockaddr_un()
      address.sun_family = sa_family_t(AF_UNIX)
      let bytes = Array(path.utf8)
      guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
        Glibc.close(fd)
        throw MonitorClient.Failure(description: "socket path too long: \(path)")
      }
      withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (index, byte) in bytes.enumerated() { raw[index] = byte }
      }
      let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
      }
      guard result == 0 else {
        let failure = Self.failure("connect \(endpoint)")
        Glibc.close(fd)
        throw failure
      }
      descriptor = fd
    case .tcp(let host, let port):
      var hints = addrinfo()
      hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
      var list: UnsafeMutablePointer<addrinfo>?
      guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
        throw MonitorClient.Failure(description: "cannot resolve \(host)")
      }
      defer { freeaddrinfo(list) }
      var connected: Int32 = -1
      var lastError = MonitorClient.Failure(description: "cannot connect to \(endpoint)")
      var cursor: UnsafeMutablePointer<addrinfo>? = first
      while let info = cursor, connected < 0 {
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        if fd >= 0 {
          if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
            connected = fd
          } else {
            lastError = Self.failure("connect \(endpoint)")
            Glibc.close(fd)
          }
        }
        cursor = info.pointee.ai_next
      }
      guard connected >= 0 else { throw lastError }
      descriptor = connected
    }
  }

  private static func failure(_ what: String) -> MonitorClient.Failure {
    MonitorClient.Failure(description: "\(what): \(String(cString: strerror(errno)))")
  }

  func close() { Glibc.close(descriptor) }

  func send(method: String, path: String, headers: [(String, String)], body: [UInt8])
    throws(MonitorClient.Failure)
  {
    var head = "\(method) \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\n"
    head += "User-Agent: whitlockctl\r\nConnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
    head += "\r\n"
    try write(Array(head.utf8) + body)
  }

  private func write(_ bytes: [UInt8]) throws(MonitorClient.Failure) {
    var offset = 0
    while offset < bytes.count {
      try wait(for: Int16(POLLOUT))
      let written = bytes[offset...].withUnsafeBytes {
        Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      guard written > 0 else { throw Self.failure("send") }
      offset += written
    }
  }

  private func wait(for events: Int16) throws(MonitorClient.Failure) {
    var poller = pollfd(fd: descriptor, events: events, revents: 0)
    let ready = poll(&poller, 1, timeoutMilliseconds)
    if ready == 0 {
      throw MonitorClient.Failure(
        description: "no answer from \(endpoint) within \(timeoutMilliseconds) ms")
    }
    if ready < 0 { throw Self.failure("poll") }
  }

  /// Reads more bytes into the buffer; `false` at end of stream.
  private func fill() throws(MonitorClient.Failure) -> Bool {
    if closedByPeer { return false }
    try wait(for: Int16(POLLIN))
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
    if count < 0 { throw Self.failure("recv") }
    if count == 0 {
      closedByPeer = true
      return false
    }
    if start > 0 {
      buffer.removeFirst(start)
      start = 0
    }
    buffer += chunk[0..<count]
    return true
  }

  /// Reads up to and including CRLF; returns the line without it.
  func readLine() throws(MonitorClient.Failure) -> String {
    while true {
      if let index = buffer[start...].firstIndex(of: 0x0A) {
        var end = index
        if end > start, buffer[end - 1] == 0x0D { end -= 1 }
        let line = String(decoding: buffer[start..<end], as: UTF8.self)
        start = index + 1
        return line
      }
      guard try fill() else { throw MonitorClient.Failure(description: "connection closed") }
    }
  }

  /// Reads exactly `count` bytes, or fewer at end of stream.
  func read(exactly count: Int) throws(MonitorClient.Failure) -> [UInt8] {
    while buffer.count - start < count {
      guard try fill() else { break }
    }
    let end = min(buffer.count, start + count)
    defer { start = end }
    return Array(buffer[start..<end])
  }

  /// Whatever is buffered or arrives next; empty at end of stream.
  func readAvailable() throws(MonitorClient.Failure) -> [UInt8] {
    if start == buffer.count {
      guard try fill() else { return [] }
    }
    defer {
      buffer.removeAll(keepingCapacity: true)
      start = 0
    }
    return Array(buffer[start...])
  }

  /// The status line and headers.
  func readHead() throws(MonitorClient.Failure) -> (Int, [(String, String)]) {
    let statusLine = try readLine()
    let parts = statusLine.split(separator: " ", maxSplits: 2)
    guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
      throw MonitorClient.Failure(description: "not an HTTP response: \(statusLine.prefix(80))")
    }
    var headers: [(String, String)] = []
    while true {
      let line = try readLine()
      if line.isEmpty { break }
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers.append(
        (
          String(line[..<colon]),
          line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        ))
    }
    return (status, headers)
  }
}

/// Reads a response body framed by Content-Length, chunked encoding, or the end of the stream.
struct BodyReader {
  private enum Framing {
    case length(Int)
    case chunked
    case untilClose
  }

  private var framing: Framing
  private var finished = false

  init(headers: [(String, String)]) {
    func header(_ name: String) -> String? {
      headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
    if header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
      framing = .chunked
    } else if let length = header("Content-Length").flatMap({ Int($0) }) {
      framing = .length(length)
    } else {
      framing = .untilClose
    }
  }

  /// The next piece of the body, or `nil` at its end.
  mutating func next(from connection: HTTPConnection) throws(MonitorClient.Failure) -> [UInt8]? {
    guard !finished else { return nil }
    switch framing {
    case .length(let remaining):
      guard remaining > 0 else {
        finished = true
        return nil
      }
      let bytes = try connection.read(exactly: remaining)
      if bytes.count < remaining {
        throw MonitorClient.Failure(description: "body ended early")
      }
      framing = .length(0)
      return bytes
    case .chunked:
      let sizeLine = try connection.readLine()
      guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else {
        throw MonitorClient.Failure(description: "bad chunk size \(sizeLine.prefix(20))")
      }
      if size == 0 {
        finished = true
        while try !connection.readLine().isEmpty {}
        return nil
      }
      let bytes = try connection.read(exactly: size)
      guard bytes.count == size else {
        throw MonitorClient.Failure(description: "chunk ended early")
      }
      _ = try connection.readLine()
      return bytes
    case .untilClose:
      let bytes = try connection.readAvailable()
      if bytes.isEmpty {
        finished = true
        return nil
      }
      return bytes
    }
  }
}
