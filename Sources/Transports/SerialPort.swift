import Glibc
import WhitlockCore

/// A serial device (RS-232, USB-serial, or a pseudo-terminal) in raw 8N1 mode as a `ByteStream`.
///
/// Opening takes the port exclusively twice over: `TIOCEXCL` makes further opens of the tty fail
/// with `EBUSY` (except for root), and an advisory `flock` that also stops root processes that
/// use this class, so two daemons can never interleave bytes on one device. Reads and writes wait
/// with `poll` up to their deadlines on the port's own dispatch queue.
public final class SerialPort: ByteStream {
  /// The device path as given.
  public let name: String
  /// The line speed, bits per second.
  public let baudRate: Int
  private let io: DescriptorIO

  /// The speeds termios can set here.
  public static let supportedBaudRates: [Int] = [
    1200, 2400, 4800, 9600, 19200, 38400, 57600, 115_200, 230_400, 460_800, 921_600,
  ]

  private init(name: String, baudRate: Int, descriptor: Int32) {
    self.name = name
    self.baudRate = baudRate
    self.io = DescriptorIO(descriptor: descriptor, name: name)
  }

  /// Opens `path` at `baudRate` 8N1, raw, without flow control, exclusively. Bytes already
  /// queued stay there so the driver can count what it drains (see `drainInput`, `flush`).
  ///
  /// A port found busy is tried again for a quarter of a second: a process that has just closed
  /// or exited (or a child that inherited the descriptor for the instant before its `exec`)
  /// releases the lock a moment later, and a reopen should not fail on that.
  public static func open(path: String, baudRate: Int = 115_200) throws -> SerialPort {
    guard let speed = speedConstant(baudRate) else {
      throw InstrumentError(
        .configuration,
        "baud rate \(baudRate) is not supported; use one of "
          + supportedBaudRates.map(String.init).joined(separator: ", "))
    }
    let deadline = ContinuousClock.now + .milliseconds(250)
    while true {
      do {
        return try openOnce(path: path, baudRate: baudRate, speed: speed)
      } catch is BusyPort where ContinuousClock.now < deadline {
        usleep(10_000)  // blocking-ok: 10 ms steps, 250 ms at most, only while the port is busy
      } catch let error as BusyPort {
        throw SerialPortError.instrumentError(
          errno: error.errno, path: path, operation: error.operation)
      }
    }
  }

  /// The lock or the exclusive open was refused (`EBUSY`, `EWOULDBLOCK`).
  private struct BusyPort: Error {
    var errno: Int32
    var operation: String
  }

  private static func openOnce(path: String, baudRate: Int, speed: speed_t) throws -> SerialPort {
    let descriptor = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else {
      if errno == EBUSY { throw BusyPort(errno: errno, operation: "open") }
      throw SerialPortError.instrumentError(errno: errno, path: path, operation: "open")
    }
    do {
      guard isatty(descriptor) == 1 else {
        throw SerialPortError.instrumentError(errno: ENOTTY, path: path, operation: "open")
      }
      if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
        let code = errno
        if code == EWOULDBLOCK { throw BusyPort(errno: code, operation: "lock") }
        throw SerialPortError.instrumentError(errno: code, path: path, operation: "lock")
      }
      if ioctl(descriptor, UInt(TIOCEXCL)) != 0 {
        throw SerialPortError.instrumentError(errno: errno, path: path, operation: "TIOCEXCL")
      }
      try configureRaw(descriptor, speed: speed, path: path)
    } catch {
      Glibc.close(descriptor)
      throw error
    }
    return SerialPort(name: path, baudRate: baudRate, descriptor: descriptor)
  }

  /// Puts `descriptor` in raw mode: 8 data bits, no parity, 1 stop bit, no flow control, reads
  /// return what is there (VMIN 0, VTIME 0).
  static func configureRaw(_ descriptor: Int32, speed: speed_t?, path: String) throws {
    var settings = termios()
    guard tcgetattr(descriptor, &settings) == 0 else {
      throw SerialPortError.instrumentError(errno: errno, path: path, operation: "tcgetattr")
    }
    cfmakeraw(&settings)
    settings.c_cflag |= tcflag_t(CLOCAL) | tcflag_t(CREAD) | tcflag_t(CS8)
    settings.c_cflag &= ~(tcflag_t(PARENB) | tcflag_t(CSTOPB) | tcflag_t(CRTSCTS))
    settings.c_iflag &= ~(tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY))
    withUnsafeMutableBytes(of: &settings.c_cc) { cc in
      cc[Int(VMIN)] = 0
      cc[Int(VTIME)] = 0
    }
    if let speed {
      cfsetispeed(&settings, speed)
      cfsetospeed(&settings, speed)
    }
    guard tcsetattr(descriptor, TCSANOW, &settings) == 0 else {
      throw SerialPortError.instrumentError(errno: errno, path: path, operation: "tcsetattr")
    }
  }

  static func speedConstant(_ baudRate: Int) -> speed_t? {
    switch baudRate {
    case 1200: return speed_t(B1200)
    case 2400: return speed_t(B2400)
    case 4800: return speed_t(B4800)
    case 9600: return speed_t(B9600)
    case 19200: return speed_t(B19200)
    case 38400: return speed_t(B38400)
    case 57600: return speed_t(B57600)
    case 115_200: return speed_t(B115200)
    case 230_400: return speed_t(B230400)
    case 460_800: return speed_t(B460800)
    case 921_600: return speed_t(B921600)
    default: return nil
    }
  }

  /// Seconds the line needs to carry `byteCount` bytes at this speed (10 bits per byte in 8N1).
  public func transferSeconds(byteCount: Int) -> Double {
    Double(byteCount * 10) / Double(baudRate)
  }

  /// Writes every byte before `deadline`.
  public func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) async throws {
    try await io.write(bytes, deadline: deadline)
  }

  /// Returns 1…`maxCount` bytes, waiting until `deadline`.
  public func read(maxCount: Int, deadline: ContinuousClock.Instant) async throws -> [UInt8] {
    try await io.read(maxCount: maxCount, deadline: deadline)
  }

  /// Discards stale input until the line is quiet for `quietPeriod` (for at most 5 s).
  public func drainInput(quietPeriod: Duration) async throws -> Int {
    try await io.drain(quietPeriod: quietPeriod, limit: .seconds(5))
  }

  /// Bytes received and not read yet (`FIONREAD`): what a `flush` or `drainInput` would drop.
  public func pendingInputCount() async throws -> Int {
    let name = self.name
    return try await io.withDescriptor { descriptor in
      var count: Int32 = 0
      guard ioctl(descriptor, UInt(FIONREAD), &count) == 0 else {
        throw SerialPortError.instrumentError(errno: errno, path: name, operation: "FIONREAD")
      }
      return Int(count)
    }
  }

  /// Discards bytes queued in both directions right now (`tcflush(TCIOFLUSH)`).
  public func flush() async throws {
    let name = self.name
    try await io.withDescriptor { descriptor in
      guard tcflush(descriptor, TCIOFLUSH) == 0 else {
        throw SerialPortError.instrumentError(errno: errno, path: name, operation: "tcflush")
      }
    }
  }

  /// Releases the lock and closes the device; later calls throw `.disconnected`.
  public func close() async {
    await io.close()
  }

  deinit { io.closeNow() }
}
