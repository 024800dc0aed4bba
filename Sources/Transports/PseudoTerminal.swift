import Glibc
import WhitlockCore

/// A pseudo-terminal pair: this object is the master side, as a `ByteStream`, and `devicePath`
/// is the slave that a serial-port client opens as if it were a real device.
///
/// The master keeps its own descriptor of the slave open (in raw mode), so that clients may
/// close and reopen the device without the master seeing a hang-up, and bytes written while no
/// client is attached wait in the slave's input queue, exactly like a device that kept talking
/// to an unplugged host. Used by the simulator and by tests.
public final class PseudoTerminal: ByteStream {
  /// The slave device path, e.g. `/dev/pts/7`.
  public let devicePath: String
  private let io: DescriptorIO
  private let slave: DescriptorIO

  /// The master's name for messages.
  public var name: String { "pty master of \(devicePath)" }

  /// Creates a pseudo-terminal with the slave in raw mode.
  public init() throws {
    let master = PseudoTerminalCalls.openMaster(O_RDWR | O_NOCTTY | O_CLOEXEC)
    guard master >= 0 else {
      throw SerialPortError.instrumentError(
        errno: errno, path: "/dev/ptmx", operation: "posix_openpt")
    }
    var path = [CChar](repeating: 0, count: 256)
    guard PseudoTerminalCalls.grant(master) == 0, PseudoTerminalCalls.unlock(master) == 0,
      PseudoTerminalCalls.slaveName(master, &path, path.count) == 0
    else {
      let code = errno
      Glibc.close(master)
      throw SerialPortError.instrumentError(errno: code, path: "/dev/ptmx", operation: "unlockpt")
    }
    let slavePath = String(
      decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let slave = Glibc.open(slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
    guard slave >= 0 else {
      let code = errno
      Glibc.close(master)
      throw SerialPortError.instrumentError(errno: code, path: slavePath, operation: "open")
    }
    do {
      try SerialPort.configureRaw(slave, speed: speed_t(B115200), path: slavePath)
      var settings = termios()
      if tcgetattr(master, &settings) == 0 {
        cfmakeraw(&settings)
        tcsetattr(master, TCSANOW, &settings)
      }
      let flags = fcntl(master, F_GETFL)
      _ = fcntl(master, F_SETFL, flags | O_NONBLOCK)
    } catch {
      Glibc.close(master)
      Glibc.close(slave)
      throw error
    }
    devicePath = slavePath
    io = DescriptorIO(descriptor: master, name: "pty master of \(slavePath)")
    self.slave = DescriptorIO(descriptor: slave, name: slavePath)
  }

  /// Writes to the slave's input (what the client reads).
  public func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) async throws {
    try await io.write(bytes, deadline: deadline)
  }

  /// Reads what the client wrote.
  public func read(maxCount: Int, deadline: ContinuousClock.Instant) async throws -> [UInt8] {
    try await io.read(maxCount: maxCount, deadline: deadline)
  }

  /// Discards what the client wrote until it has been quiet for `quietPeriod`.
  public func drainInput(quietPeriod: Duration) async throws -> Int {
    try await io.drain(quietPeriod: quietPeriod, limit: .seconds(5))
  }

  /// Closes both sides: clients see a hang-up, as when a device is unplugged.
  public func close() async {
    await slave.close()
    await io.close()
  }

  deinit {
    slave.closeNow()
    io.closeNow()
  }
}

/// The libc pseudo-terminal calls, looked up by name: Swift's Glibc module does not import
/// `posix_openpt`, `grantpt`, `unlockpt` and `ptsname_r` (they need `_XOPEN_SOURCE`), but libc
/// exports them on every Linux.
enum PseudoTerminalCalls {
  private typealias DescriptorCall = @convention(c) (Int32) -> Int32
  private typealias NameCall = @convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32

  private static func lookup<T>(_ symbol: String, as type: T.Type) -> T {
    guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), symbol) else {
      fatalError("libc has no \(symbol)")
    }
    return unsafeBitCast(address, to: type)
  }

  static func openMaster(_ flags: Int32) -> Int32 {
    lookup("posix_openpt", as: DescriptorCall.self)(flags)
  }

  static func grant(_ master: Int32) -> Int32 { lookup("grantpt", as: DescriptorCall.self)(master) }

  static func unlock(_ master: Int32) -> Int32 {
    lookup("unlockpt", as: DescriptorCall.self)(master)
  }

  static func slaveName(_ master: Int32, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int)
    -> Int32
  {
    lookup("ptsname_r", as: NameCall.self)(master, buffer, size)
  }
}
