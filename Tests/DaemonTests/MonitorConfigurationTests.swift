import Foundation
import InstrumentFamilies
import Monitor
import Spool
import Synchronization
import Testing
import WhitlockConfiguration
import WhitlockDaemon

@Suite struct MonitorConfigurationTests {
  private let instrument = "[[instrument]]\nid = \"r\"\nkind = \"raman\"\ndriver = \"simulated\"\n"

  private func load(_ monitor: String) throws(ConfigurationError) -> DaemonConfiguration {
    try ConfigurationLoader.parse("[monitor]\n" + monitor + "\n" + instrument, source: "w.toml")
  }

  @Test func defaultsToLoopbackPort9464WithControlDisabled() throws {
    let configuration = try ConfigurationLoader.parse(instrument, source: "w.toml")
    #expect(configuration.monitor.enabled)
    #expect(configuration.monitor.address == .tcp(host: "127.0.0.1", port: 9464))
    #expect(configuration.monitor.tokenFile == nil)
  }

  @Test func readsEveryKey() throws {
    let configuration = try load(
      """
      enabled = false
      unix_socket = "/run/whitlockd/monitor.sock"
      token_file = "/etc/whitlockd/token"
      read_token_file = "/etc/whitlockd/read.token"
      sse_client_buffer = 64
      event_history = 100
      max_connections = 300
      idle_timeout_s = 3
      stalled_client_timeout_s = 4
      """)
    #expect(!configuration.monitor.enabled)
    #expect(configuration.monitor.address == .unixSocket(path: "/run/whitlockd/monitor.sock"))
    #expect(configuration.monitor.tokenFile == "/etc/whitlockd/token")
    #expect(configuration.monitor.hub == .init(clientBuffer: 64, history: 100))
    #expect(configuration.monitor.readTokenFile == "/etc/whitlockd/read.token")
    #expect(configuration.monitor.limits.maxConnections == 300)
    #expect(configuration.monitor.limits.idleTimeoutSeconds == 3)
    #expect(configuration.monitor.limits.stalledClientSeconds == 4)
  }

  @Test(arguments: [
    ("listen = \"9464\"", "w.toml:2: monitor.listen: \"9464\" is not HOST:PORT"),
    (
      "listen = \"127.0.0.1:1\"\nunix_socket = \"/x.sock\"",
      "w.toml:3: monitor.unix_socket: give either listen or unix_socket"
    ),
    ("unix_socket = \"rel.sock\"", "w.toml:2: monitor.unix_socket: must be an absolute path"),
    ("sse_client_buffer = 1", "w.toml:2: monitor.sse_client_buffer: 1 is outside 16…65536"),
    ("token_file = 5", "w.toml:2: monitor.token_file: expected a string"),
    (
      "token_file = \"/t\"\nread_token_file = \"/t\"",
      "w.toml:3: monitor.read_token_file: must be another file than token_file"
    ),
    ("max_connections = 2", "w.toml:2: monitor.max_connections: 2 is outside 16…1000000"),
    ("idle_timeout_s = 0", "w.toml:2: monitor.idle_timeout_s: 0"),
    (
      "lisen = \"x\"", "w.toml:2: monitor.lisen: unknown key (did you mean \"listen\"?)"
    ),
  ])
  func errorsNameFileLineAndKey(_ text: String, _ expected: String) {
    #expect {
      try load(text)
    } throws: { error in
      "\(error)".hasPrefix(expected)
    }
  }
}

@Suite struct RunControllerTests {
  @Test func startAndStopEndTheCurrentRunWithAReason() {
    let seen = TransitionLog()
    let controller = RunController(onTransition: { seen.append($0) })
    let first = controller.current
    #expect(first.sampleID == nil)
    let started = controller.start(sampleID: "S-1", operatorName: "ana", pointID: "p1")
    #expect(started.ended == first && started.reason == "new-run")
    #expect(controller.current.sampleID == "S-1" && controller.current.pointID == "p1")
    #expect(controller.endReason(of: first.runID) == "new-run")
    let stopped = controller.stop()
    #expect(stopped.ended.sampleID == "S-1")
    #expect(controller.current.sampleID == nil, "instruments continue in an automatic run")
    #expect(controller.endReason(of: started.started.runID) == "stopped")
    #expect(controller.endReason(of: controller.current.runID) == nil)
    #expect(seen.count == 2)
  }
}

final class TransitionLog: Sendable {
  private let entries = Mutex([RunController.Transition]())
  func append(_ transition: RunController.Transition) { entries.withLock { $0.append(transition) } }
  var count: Int { entries.withLock { $0.count } }
}
