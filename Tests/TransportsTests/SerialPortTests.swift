import Glibc
import Testing
import Transports
import WhitlockCore

/// `SerialPort` against a `PseudoTerminal`: raw bytes both ways, deadlines, exclusivity,
/// draining, hang-ups and errno messages.
@Suite struct SerialPortTests {
  private func soon(_ seconds: Double = 5) -> ContinuousClock.Instant {
    .now + .seconds(seconds)
  }

  private func readExactly(_ count: Int, from stream: any ByteStream) async throws -> [UInt8] {
    var bytes: [UInt8] = []
    while bytes.count < count {
      bytes += try await stream.read(maxCount: count - bytes.count, deadline: soon())
    }
    return bytes
  }

  @Test func rawBytesTravelBothWaysUnchanged() async throws {
    let pty = try PseudoTerminal()
    let port = try SerialPort.open(path: pty.devicePath, baudRate: 115_200)
    let everyByte = (0...255).map { UInt8($0) }
    try await port.write(everyByte, deadline: soon())
    #expect(try await readExactly(256, from: pty) == everyByte)
    try await pty.write(everyByte.reversed(), deadline: soon())
    #expect(try await readExactly(256, from: port) == everyByte.reversed())
    await port.close()
    await pty.close()
  }

  @Test func readDeadlineThrowsTimeout() async throws {
    let pty = try PseudoTerminal()
    let port = try SerialPort.open(path: pty.devicePath)
    await #expect(throws: InstrumentError.self) {
      _ = try await port.read(maxCount: 1, deadline: .now + .milliseconds(100))
    }
    do {
      _ = try await port.read(maxCount: 1, deadline: .now + .milliseconds(50))
    } catch let error as InstrumentError {
      #expect(error.category == .timeout)
    }
    await port.close()
    await pty.close()
  }

  @Test func secondOpenIsRefusedAsInUse() async throws {
    let pty = try PseudoTerminal()
    let first = try SerialPort.open(path: pty.devicePath)
    do {
      _ = try SerialPort.open(path: pty.devicePath)
      Issue.record("a second open of \(pty.devicePath) succeeded")
    } catch let error as InstrumentError {
      #expect(error.message.contains("in use by another process"), "\(error)")
    }
    await first.close()
    let again = try SerialPort.open(path: pty.devicePath)
    await again.close()
    await pty.close()
  }

  @Test func drainDropsStaleBytesUntilQuiet() async throws {
    let pty = try PseudoTerminal()
    let port = try SerialPort.open(path: pty.devicePath)
    try await pty.write(Array(repeating: 0x55, count: 1000), deadline: soon())
    let dropped = try await port.drainInput(quietPeriod: .milliseconds(100))
    #expect(dropped == 1000)
    try await pty.write([1, 2, 3], deadline: soon())
    #expect(try await readExactly(3, from: port) == [1, 2, 3])
    await port.close()
    await pty.close()
  }

  @Test func masterHangUpIsReportedAsDisconnected() async throws {
    let pty = try PseudoTerminal()
    let port = try SerialPort.open(path: pty.devicePath)
    await pty.close()
    do {
      _ = try await port.read(maxCount: 1, deadline: soon())
      Issue.record("read after hang-up returned")
    } catch let error as InstrumentError {
      #expect(error.category == .disconnected, "\(error)")
    }
    await port.close()
  }

  @Test func closedPortThrowsDisconnected() async throws {
    let pty = try PseudoTerminal()
    let port = try SerialPort.open(path: pty.devicePath)
    await port.close()
    await port.close()
    do {
      try await port.write([1], deadline: soon())
      Issue.record("write after close succeeded")
    } catch let error as InstrumentError {
      #expect(error.category == .disconnected)
    }
    await pty.close()
  }

  @Test func openErrorsSayWhatToDo() {
    #expect(throws: InstrumentError.self) { try SerialPort.open(path: "/dev/does-not-exist-dp5") }
    do {
      _ = try SerialPort.open(path: "/dev/does-not-exist-dp5")
    } catch let error as InstrumentError {
      #expect(error.category == .notFound)
    } catch {}
    do {
      _ = try SerialPort.open(path: "/dev/null")
    } catch let error as InstrumentError {
      #expect(error.message.contains("not a serial device"), "\(error)")
    } catch {}
    do {
      _ = try SerialPort.open(path: "/dev/null", baudRate: 12345)
    } catch let error as InstrumentError {
      #expect(error.category == .configuration)
    } catch {}
  }

  @Test func permissionErrorsNameTheGroupAndUdevRule() {
    let error = SerialPortError.instrumentError(errno: EACCES, path: "/dev/null", operation: "open")
    #expect(error.category == .permission)
    #expect(error.message.contains("group 'root'"), "\(error.message)")
    #expect(error.message.contains("udev rule"))
    let busy = SerialPortError.instrumentError(
      errno: EBUSY, path: "/dev/ttyUSB0", operation: "open")
    #expect(busy.message.contains("in use by another process"))
  }

  @Test func cancellationStopsAWaitingRead() async throws {
    let pty = try PseudoTerminal()
    let port = try SerialPort.open(path: pty.devicePath)
    let reader = Task { try await port.read(maxCount: 1, deadline: .now + .seconds(60)) }
    reader.cancel()
    await #expect(throws: CancellationError.self) { _ = try await reader.value }
    await port.close()
    await pty.close()
  }
}

extension SerialPortTests {
  @Test func flushDiscardsQueuedInput() async throws {
    let pty = try PseudoTerminal()
    let port = try SerialPort.open(path: pty.devicePath)
    try await pty.write([9, 9, 9], deadline: .now + .seconds(5))
    let deadline = ContinuousClock.now + .seconds(60)
    while try await port.pendingInputCount() < 3, ContinuousClock.now < deadline {
      try await Task.sleep(for: .milliseconds(1))
    }
    #expect(try await port.pendingInputCount() == 3)
    try await port.flush()
    #expect(try await port.drainInput(quietPeriod: .milliseconds(50)) == 0)
    await port.close()
    await pty.close()
  }
}
