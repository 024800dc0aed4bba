import Foundation
import TestSupport
import Testing
import WhitlockCore
import WhitlockCtlKit

#if canImport(Glibc)
  import Glibc
#endif

/// Local clients cannot blind the daemon: a flood of idle connections without a token neither
/// starves the spool of descriptors nor keeps `/readyz` from answering, and the server sheds the
/// connections by itself.
@Suite(.processHeavy) struct MonitorHostileLoadTests {
  /// Opens `count` TCP connections to `port` on loopback that never send a byte.
  private static func openIdleConnections(port: Int, count: Int) -> [Int32] {
    var sockets: [Int32] = []
    for _ in 0..<count {
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      guard fd >= 0 else { break }
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = in_port_t(UInt16(port).bigEndian)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      guard connected == 0 else {
        close(fd)
        break
      }
      sockets.append(fd)
    }
    return sockets
  }

  /// How many of `sockets` the server has closed (a read sees end of file or a reset).
  private static func closedByServer(_ sockets: [Int32]) -> Int {
    var closed = 0
    for fd in sockets {
      var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&entry, 1, 0) == 1 else { continue }
      var byte: UInt8 = 0
      if recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) <= 0 { closed += 1 }
    }
    return closed
  }

  private static func acquisitionsSpooled(_ daemon: MonitoredDaemon) -> Int {
    daemon.records().filter { $0.contains("\"type\":\"acquisition\"") }.count
  }

  /// With the classic limit of 1024 the cap (768) is below the flood: readiness waits for one
  /// idle timeout (2 s here). With the unit's `LimitNOFILE=8192` the default cap (2048) takes
  /// the whole flood and readiness answers at once.
  @Test(arguments: [(1024, 768), (8192, 2048)])
  func elevenHundredIdleConnectionsDoNotStarveTheSpoolOrTheReadinessProbe(
    descriptorLimit: Int, cap: Int
  ) async throws {
    // The test itself needs more than the usual 1024 descriptors.
    #expect(DescriptorLimit.raiseToHardLimit() >= 1300, "the test needs 1,300 descriptors")
    let daemon = try await MonitoredDaemon.start(
      tokenMode: 0o600, ramanExposure: 0.05, monitorExtra: "idle_timeout_s = 2\n",
      descriptorLimit: descriptorLimit)
    defer { Task { await daemon.stop() } }
    guard case .tcp(_, let port) = daemon.endpoint else {
      Issue.record("monitor is not on TCP")
      return
    }
    #expect(
      daemon.child.standardError.contains("max_connections=\(cap)"),
      "the cap is the descriptor limit less the spool's reserve")
    #expect(
      await daemon.child.wait(upTo: .seconds(60)) { _ in Self.acquisitionsSpooled(daemon) > 0 })

    let sockets = await offPool { Self.openIdleConnections(port: port, count: 1100) }
    defer { for fd in sockets { close(fd) } }
    #expect(sockets.count == 1100, "opened \(sockets.count) connections")
    let spooledBefore = Self.acquisitionsSpooled(daemon)

    // Readiness answers while the flood is open (at worst after one idle timeout, when the
    // connections accepted before it are shed).
    let clock = ContinuousClock()
    let asked = clock.now
    let ready = try await daemon.client.send("GET", "/readyz")
    let answeredAfter = clock.now - asked
    #expect(ready.status == 200, "\(ready.text)")
    print(
      "readyz answered after \(answeredAfter) with 1100 idle connections open "
        + "(descriptor limit \(descriptorLimit), cap \(cap))")

    // The spool keeps publishing, and every idle connection is shed by the server.
    #expect(
      await daemon.child.wait(upTo: .seconds(60)) { _ in
        Self.acquisitionsSpooled(daemon) >= spooledBefore + 20
      }, "the spool stopped while the connections were open")
    #expect(
      await daemon.child.wait(upTo: .seconds(90)) { _ in
        Self.closedByServer(sockets) == sockets.count
      }, "\(Self.closedByServer(sockets)) of \(sockets.count) idle connections shed")
    #expect(!daemon.child.standardError.contains("Too many open files"))
    #expect(!daemon.child.standardError.contains("EMFILE"))
  }
}
