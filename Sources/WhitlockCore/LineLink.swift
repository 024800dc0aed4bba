/// A CR-terminated ASCII conversation over a `ByteStream`: write a command line, read reply
/// lines with a deadline, drain stale input. Shared by the stage drivers, whose protocols frame
/// every command and reply with one carriage return.
public actor LineLink {
  private let stream: any ByteStream
  private var lines = CarriageReturnLines()
  /// Every byte dropped by `drain()` since the link was made.
  public private(set) var drainedBytes = 0

  /// A link over `stream`.
  public init(stream: any ByteStream) {
    self.stream = stream
  }

  /// The stream's name.
  public nonisolated var name: String { stream.name }

  /// Sends `text` followed by CR, within `timeout`.
  public func send(_ text: String, timeout: Duration = .seconds(2)) async throws {
    try await stream.write(
      Array(text.utf8) + [CarriageReturnLines.terminator], deadline: .now + timeout)
  }

  /// Sends raw bytes (a lone CR, a control character), within `timeout`.
  public func sendBytes(_ bytes: [UInt8], timeout: Duration = .seconds(2)) async throws {
    try await stream.write(bytes, deadline: .now + timeout)
  }

  /// The next reply line (without CR) arriving before `deadline`, decoded as ASCII text; bytes
  /// outside printable ASCII read as `?`, so a garbled line reads as garbled.
  public func readLine(deadline: ContinuousClock.Instant) async throws -> String {
    while true {
      if let line = lines.next() {
        return String(decoding: line.map { (0x20...0x7E).contains($0) ? $0 : 0x3F }, as: UTF8.self)
      }
      let bytes = try await stream.read(maxCount: 4096, deadline: deadline)
      lines.append(bytes)
    }
  }

  /// Discards every byte received and not read (also a partial line) until the line has been
  /// quiet for `quietPeriod`; returns how many were dropped.
  public func drain(quietPeriod: Duration) async throws -> Int {
    var dropped = lines.unfinished.count
    while let line = lines.next() { dropped += line.count + 1 }
    lines.reset()
    dropped += try await stream.drainInput(quietPeriod: quietPeriod)
    drainedBytes += dropped
    return dropped
  }

  /// Closes the stream.
  public func close() async { await stream.close() }
}
