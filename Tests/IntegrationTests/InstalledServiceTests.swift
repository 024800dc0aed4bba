import Foundation
import TestSupport
import Testing
import WhitlockCore
import WhitlockCtlKit

/// The installation as a user makes it: `make install` into a scratch root, then the README's
/// `systemd-sysusers` and `systemd-tmpfiles --create` on that root, then the daemon started the
/// way the installed unit starts it (its `ExecStartPre=`/`ExecStart=` lines), as the `whitlockd`
/// user those tools created, reading the installed configuration through its group. The unit
/// cannot run under systemd here (no systemd as PID 1 in the test container), so the process
/// gets the unit's user, group and runtime directory by hand; `systemd-analyze verify` judges the
/// unit itself.
@Suite(
  .enabled(if: getuid() == 0, "needs root: chown and setpriv to the service user"), .processHeavy)
struct InstalledServiceTests {
  private static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  /// A scratch root holding one installation, with the service user's ids.
  private struct Installation {
    let root: String
    let uid: String
    let gid: String
    var configuration: String { root + "/etc/whitlockd/whitlockd.toml" }
    var spool: String { root + "/var/lib/whitlockd/spool" }
    var runtimeDirectory: String { root + "/run/whitlockd" }
    var socket: String { runtimeDirectory + "/monitor.sock" }
    var unit: String { root + "/usr/local/lib/systemd/system/whitlockd.service" }
  }

  private static func run(_ executable: String, _ arguments: [String]) async throws -> (
    Int32, String
  ) {
    let result = try await Subprocess.run(
      URL(fileURLWithPath: executable), arguments, currentDirectory: packageRoot)
    return (result.status, result.standardOutput + result.standardError)
  }

  private static func install() async throws -> Installation {
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockd-installed-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(
      atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    let (installed, installLog) = try await run(
      "/usr/bin/make",
      [
        "install", "DESTDIR=\(root)", "CONFIGURATION=debug",
        "BUILDDIR=\(ProductsDirectory.url.path)",
      ])
    try #require(installed == 0, "\(installLog)")
    let (users, usersLog) = try await run(
      "/usr/bin/systemd-sysusers",
      ["--root=\(root)", root + "/usr/local/lib/sysusers.d/whitlockd.conf"])
    try #require(users == 0, "\(usersLog)")
    let (files, filesLog) = try await run(
      "/usr/bin/systemd-tmpfiles",
      ["--root=\(root)", "--create", root + "/usr/local/lib/tmpfiles.d/whitlockd.conf"])
    try #require(files == 0, "\(filesLog)")
    let passwd = try String(contentsOfFile: root + "/etc/passwd", encoding: .utf8)
    let entry = try #require(
      passwd.split(separator: "\n").first { $0.hasPrefix("whitlockd:") }, "\(passwd)")
    let fields = entry.split(separator: ":", omittingEmptySubsequences: false)
    return Installation(root: root, uid: String(fields[2]), gid: String(fields[3]))
  }

  /// The unit's `ExecStart=`-style line as arguments, with its absolute paths moved into `root`.
  private static func command(_ key: String, of installation: Installation) throws -> [String] {
    let unit = try String(contentsOfFile: installation.unit, encoding: .utf8)
    let line = try #require(
      unit.split(separator: "\n").first { $0.hasPrefix(key + "=") }, "\(key) in the unit")
    return line.dropFirst(key.count + 1).split(separator: " ").map { word in
      word.hasPrefix("/") ? installation.root + word : String(word)
    }
  }

  /// Rewrites the installed configuration the way an administrator would edit it, keeping its
  /// owner and mode: the monitor on the runtime directory's socket, and `extra` appended.
  private static func edit(
    _ installation: Installation, daemonKeys: String = "", extra: String = ""
  )
    throws
  {
    var text = try String(contentsOfFile: installation.configuration, encoding: .utf8)
    let listen = "listen = \"127.0.0.1:9464\""
    try #require(text.contains(listen), "the installed configuration listens on loopback")
    text = text.replacingOccurrences(of: listen, with: "unix_socket = \"\(installation.socket)\"")
    text = text.replacingOccurrences(of: "[daemon]\n", with: "[daemon]\n" + daemonKeys)
    try (text + extra).write(toFile: installation.configuration, atomically: false, encoding: .utf8)
  }

  /// Starts the unit's `ExecStart=` as the service user, with the runtime directory systemd
  /// would create (`RuntimeDirectory=whitlockd`, mode 0750) and a stand-in notify socket.
  private static func start(_ installation: Installation, notify: NotifySocketListener) throws
    -> ChildProcess
  {
    try FileManager.default.createDirectory(
      atPath: installation.root + "/run", withIntermediateDirectories: true,
      attributes: [.posixPermissions: 0o755])
    try FileManager.default.createDirectory(
      atPath: installation.runtimeDirectory, withIntermediateDirectories: false,
      attributes: [.posixPermissions: 0o750])
    try #require(
      chown(installation.runtimeDirectory, uid_t(installation.uid)!, gid_t(installation.gid)!)
        == 0)
    chmod(notify.path, 0o777)
    let command = try Self.command("ExecStart", of: installation)
    return try ChildProcess(
      "/usr/bin/setpriv",
      [
        "--reuid=\(installation.uid)", "--regid=\(installation.gid)", "--clear-groups", "--",
      ] + command + ["--spool", installation.spool],
      environment: ["NOTIFY_SOCKET": notify.path],
      currentDirectory: installation.root + "/var/lib/whitlockd")
  }

  /// `GET /readyz` over the unit's socket; blocks, so it runs in `wait` conditions or `offPool`.
  private static func readyz(_ installation: Installation) -> MonitorClient.Response? {
    try? MonitorClient(endpoint: .unixSocket(path: installation.socket), timeoutSeconds: 5)
      .request("GET", "/readyz")
  }

  private static func files(in directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
  }

  @Test func installedFilesAreOwnedForTheServiceAndTheUnitVerifies() async throws {
    let installation = try await Self.install()
    defer { try? FileManager.default.removeItem(atPath: installation.root) }
    let attributes = try FileManager.default.attributesOfItem(atPath: installation.configuration)
    #expect((attributes[.posixPermissions] as? Int) == 0o640)
    #expect((attributes[.ownerAccountID] as? Int) == 0)
    #expect((attributes[.groupOwnerAccountID] as? Int).map(String.init) == installation.gid)
    // The spool's root (.seq, .spool-id) is not writable by the readers' group; new/ is, for
    // consumers. Lasers have a group of their own, which the service user is in.
    let spool = installation.root + "/var/lib/whitlockd/spool"
    let spoolMode = try FileManager.default.attributesOfItem(atPath: spool)[.posixPermissions]
    #expect((spoolMode as? Int).map { $0 & 0o777 } == 0o750, "\(String(describing: spoolMode))")
    let newMode = try FileManager.default.attributesOfItem(atPath: spool + "/new")[
      .posixPermissions]
    #expect((newMode as? Int).map { $0 & 0o777 } == 0o770)
    let groups = try String(contentsOfFile: installation.root + "/etc/group", encoding: .utf8)
    #expect(
      groups.split(separator: "\n").contains {
        $0.hasPrefix("whitlock-laser:") && $0.hasSuffix(":whitlockd")
      },
      "\(groups)")
    let configuration = try String(contentsOfFile: installation.configuration, encoding: .utf8)
    let enabled = configuration.split(separator: "\n").filter { $0.hasPrefix("driver") }
    #expect(enabled.isEmpty, "no instrument is enabled in the installed configuration: \(enabled)")

    let unit = try String(contentsOfFile: installation.unit, encoding: .utf8)
    #expect(unit.contains("\nRuntimeDirectory=whitlockd\n"))
    #expect(unit.contains("ExecStart=/usr/local/bin/whitlockd --service --config "))
    // systemd-analyze resolves dependencies such as sysinit.target from the root it is given.
    try FileManager.default.createDirectory(
      atPath: installation.root + "/usr/lib/systemd", withIntermediateDirectories: true)
    let (copied, copyLog) = try await Self.run(
      "/bin/cp", ["-r", "/usr/lib/systemd/system", installation.root + "/usr/lib/systemd/"])
    try #require(copied == 0, "\(copyLog)")
    let (verified, verifyLog) = try await Self.run(
      "/usr/bin/systemd-analyze", ["verify", "--root=\(installation.root)", "whitlockd.service"])
    #expect(verified == 0, "\(verifyLog)")
    #expect(!verifyLog.contains("whitlockd.service:"), "verify is silent: \(verifyLog)")
  }

  @Test func serviceWithNoInstrumentStaysUpNotReadyAndSaysWhichFileToEdit() async throws {
    let installation = try await Self.install()
    defer { try? FileManager.default.removeItem(atPath: installation.root) }
    try Self.edit(installation)
    let pre = try Self.command("ExecStartPre", of: installation)
    let (checked, checkLog) = try await Self.run(
      "/usr/bin/setpriv",
      ["--reuid=\(installation.uid)", "--regid=\(installation.gid)", "--clear-groups", "--"]
        + pre)
    #expect(checked == 0, "ExecStartPre passes: \(checkLog)")

    let notify = try NotifySocketListener()
    let child = try Self.start(installation, notify: notify)
    let advice = "no instrument configured: add an [[instrument]] to \(installation.configuration)"
    let answered = await child.wait(upTo: .seconds(60)) { _ in
      Self.readyz(installation)?.status == 503
        && notify.messages.contains { $0.hasPrefix("READY=1") }
    }
    #expect(answered, "\(child.standardError) \(notify.messages)")
    let readyz = try #require(await offPool(borrowing: { Self.readyz(installation) }))
    #expect(readyz.text.contains("not ready: no instrument configured"), "\(readyz.text)")
    #expect(!readyz.text.contains(installation.configuration), "no path in /readyz")
    #expect(notify.messages.contains { $0.contains("STATUS=" + advice) }, "\(notify.messages)")
    #expect(child.standardError.contains(advice), "\(child.standardError)")
    #expect(child.isRunning, "the service stays up")

    var socket = stat()
    #expect(lstat(installation.socket, &socket) == 0)
    #expect(socket.st_mode & 0o777 == 0o660, "group whitlockd may connect, others may not")
    #expect(String(socket.st_uid) == installation.uid)

    child.send(SIGTERM)
    #expect(await child.waitForExit(upTo: .seconds(30)) == 0, "\(child.standardError)")
    #expect(Self.files(in: installation.spool + "/new").isEmpty, "nothing is spooled")
    #expect(Self.files(in: installation.spool + "/tmp").isEmpty, "nothing is spooled")

    // The laser helper systemd runs after every stop, as the service user: with no Wasatch
    // attached it has nothing to do and says so (the USB testbed tests it with a laser).
    let post = try Self.command("ExecStopPost", of: installation)
    #expect(post.suffix(2) == ["laser-off", "--all"])
    let (helped, helperLog) = try await Self.run(
      "/usr/bin/setpriv",
      ["--reuid=\(installation.uid)", "--regid=\(installation.gid)", "--clear-groups", "--"]
        + post)
    #expect(helped == 0, "ExecStopPost passes: \(helperLog)")
    #expect(helperLog.contains("no Wasatch device is attached"), "\(helperLog)")
  }

  @Test func simulatedInstrumentNeedsTheExplicitKeyThenSpoolsMarkedRecords() async throws {
    let installation = try await Self.install()
    defer { try? FileManager.default.removeItem(atPath: installation.root) }
    let instrument = """

      [[instrument]]
      id = "raman-demo"
      kind = "raman"
      driver = "simulated"
      exposure_s = 0.05
      [instrument.simulation]
      channels = 512
      pacing = 1.0

      """
    try Self.edit(installation, extra: instrument)
    let pre = try Self.command("ExecStartPre", of: installation)
    let (refused, refusal) = try await Self.run(
      "/usr/bin/setpriv",
      ["--reuid=\(installation.uid)", "--regid=\(installation.gid)", "--clear-groups", "--"]
        + pre)
    #expect(refused == 78, "\(refusal)")
    #expect(refusal.contains("daemon.allow_simulated"), "\(refusal)")

    // Back to the installed file, edited again with the key.
    let (restored, restoreLog) = try await Self.run(
      "/usr/bin/install",
      [
        "-m", "0640", "-o", "0", "-g", installation.gid,
        Self.packageRoot + "/systemd/whitlockd.toml",
        installation.configuration,
      ])
    try #require(restored == 0, "\(restoreLog)")
    try Self.edit(installation, daemonKeys: "allow_simulated = true\n", extra: instrument)
    let notify = try NotifySocketListener()
    let child = try Self.start(installation, notify: notify)
    let published = await child.wait(upTo: .seconds(90)) { _ in
      !Self.files(in: installation.spool + "/new").isEmpty
    }
    #expect(published, "\(child.standardError)")
    #expect(await offPool(borrowing: { Self.readyz(installation) })?.status == 200)
    child.send(SIGTERM)
    #expect(await child.waitForExit(upTo: .seconds(30)) == 0, "\(child.standardError)")

    var acquisitions = 0
    for name in Self.files(in: installation.spool + "/new") {
      let path = installation.spool + "/new/" + name
      var info = stat()
      #expect(stat(path, &info) == 0 && String(info.st_uid) == installation.uid)
      for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
      where line.contains("\"type\":\"acquisition\"") {
        acquisitions += 1
        #expect(line.contains("\"simulation\":{"), "every simulated record says so")
      }
    }
    #expect(acquisitions > 0)
  }
}
