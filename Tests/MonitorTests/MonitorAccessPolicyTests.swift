import Monitor
import NetworkSettings
import Testing

/// Which requests the monitor answers, by bind address, `Host` header, path and token.
@Suite struct MonitorAccessPolicyTests {
  private let loopback = MonitorAccessPolicy(address: .tcp(host: "127.0.0.1", port: 9464))

  private func allowed(
    _ policy: MonitorAccessPolicy, host: String?, path: String = "/api/v1/status",
    port: Int = 9464, token: Bool = false
  ) -> Bool {
    policy.check(hostHeader: host, path: path, boundPort: port, hasValidToken: token) == nil
  }

  @Test(arguments: ["localhost:9464", "127.0.0.1:9464", "[::1]:9464", "LOCALHOST:9464"])
  func loopbackBindAnswersLoopbackNamesWithItsPort(host: String) {
    #expect(allowed(loopback, host: host))
  }

  @Test(arguments: [
    "evil.example:9464", "evil.example", "localhost:9465", "127.0.0.1",
    "localhost.evil.example:9464",
    "127.0.0.1.evil.example:9464", "",
  ])
  func loopbackBindRefusesOtherHostsAgainstDNSRebinding(host: String) {
    #expect(
      loopback.check(hostHeader: host, path: "/", boundPort: 9464, hasValidToken: true)
        == .host(host))
  }

  @Test func missingHostIsRefusedOnLoopback() {
    #expect(!allowed(loopback, host: nil))
  }

  @Test func configuredNamesAreAcceptedWithOrWithoutPort() {
    let policy = MonitorAccessPolicy(
      address: .tcp(host: "127.0.0.1", port: 0), allowedHosts: ["Whitlock.Lab", "bench:8080"])
    #expect(allowed(policy, host: "whitlock.lab:4000", port: 4000))
    #expect(allowed(policy, host: "whitlock.lab", port: 4000))
    #expect(allowed(policy, host: "bench:8080", port: 4000))
    #expect(!allowed(policy, host: "bench:8081", port: 4000))
    #expect(allowed(policy, host: "127.0.0.1:4000", port: 4000), "the bound port, not 0")
  }

  @Test func nonLoopbackBindNeedsTheTokenForAllButHealth() {
    let policy = MonitorAccessPolicy(address: .tcp(host: "0.0.0.0", port: 9464))
    #expect(policy.requiresTokenForEverything)
    #expect(!loopback.requiresTokenForEverything)
    for path in ["/", "/metrics", "/api/v1/status", "/api/v1/events"] {
      #expect(
        policy.check(hostHeader: "10.1.2.3:9464", path: path, boundPort: 9464, hasValidToken: false)
          == .token)
      #expect(allowed(policy, host: "10.1.2.3:9464", path: path, token: true))
    }
    #expect(allowed(policy, host: "10.1.2.3:9464", path: "/healthz"))
    #expect(allowed(policy, host: "10.1.2.3:9464", path: "/readyz"))
  }

  @Test func unixSocketNeedsNeither() {
    let policy = MonitorAccessPolicy(address: .unixSocket(path: "/run/whitlockd/monitor.sock"))
    #expect(allowed(policy, host: "anything"))
    #expect(allowed(policy, host: nil))
  }

  @Test func loopbackRecognition() {
    for host in ["127.0.0.1", "127.1.2.3", "::1", "localhost"] {
      #expect(MonitorAccessPolicy.isLoopback(host: host), "\(host)")
    }
    for host in ["0.0.0.0", "10.0.0.1", "::", "127.0.0.1.example", "128.0.0.1"] {
      #expect(!MonitorAccessPolicy.isLoopback(host: host), "\(host)")
    }
  }
}
