import Foundation
import WhitlockCore

/// A real PostgreSQL server (Debian's `postgresql` package) in a temporary directory, on a
/// loopback port, for tests and benchmarks: `initdb`, `postgres`, and `psql` for checks.
///
/// PostgreSQL refuses to run as root, so under root (CI) the server runs as the `postgres` user
/// the package creates, through `setpriv`, which execs it directly: the child is the postmaster
/// itself and can be stopped, killed and restarted like any child process.
public final class PostgresServer: @unchecked Sendable {
  /// The superuser's name and password, and the database the tests use.
  public static let user = "whitlock"
  public static let password = "shipper-test-secret"
  public static let database = "lab"

  /// The binaries of the installed major version.
  public static var binaries: String? {
    let root = "/usr/lib/postgresql"
    let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return versions.compactMap(Int.init).sorted().last.map { "\(root)/\($0)/bin" }
  }

  public let directory: String
  public let port: Int
  /// A file holding `password`, mode 0600, for `--password-file`.
  public let passwordFile: String
  private let bin: String
  private var server: ChildProcess?
  /// `-c` settings the server starts with.
  private let settings: [String]
  /// With `tls`, the PEM certificate of the throw-away authority that signed the server's
  /// certificate: what a client's `sslrootcert` must name for `verify-full`.
  public let certificateAuthorityFile: String?
  /// Whether the server takes TLS connections only.
  public var requiresTLS: Bool { certificateAuthorityFile != nil }

  /// Creates a cluster and starts it; throws with the tool's output when anything fails.
  ///
  /// With `tls`, the server has `ssl = on`, a certificate for `certificateNames` signed by an
  /// authority made here with `openssl`, and a `pg_hba.conf` of one `hostssl` line: a
  /// connection without TLS is refused, so every session that works is encrypted.
  public init(tls: Bool = false, certificateNames: [String] = ["localhost", "127.0.0.1"])
    async throws
  {
    guard let bin = Self.binaries else {
      throw SubprocessFailure(
        description: "PostgreSQL is not installed (apt-get install postgresql)")
    }
    self.bin = bin
    let template = FileManager.default.temporaryDirectory.appendingPathComponent(
      "whitlock-pg-XXXXXX"
    )
    .path
    var buffer = Array(template.utf8CString)
    guard mkdtemp(&buffer) != nil else { throw SubprocessFailure(description: "mkdtemp failed") }
    directory = String(
      decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    chmod(directory, 0o755)
    port = try Self.freePort()
    passwordFile = directory + "/password"
    try Self.password.write(toFile: passwordFile, atomically: false, encoding: .utf8)
    chmod(passwordFile, 0o600)
    let serverPassword = directory + "/server-password"
    try Self.password.write(toFile: serverPassword, atomically: false, encoding: .utf8)
    try FileManager.default.createDirectory(
      atPath: directory + "/data", withIntermediateDirectories: false)
    var settings: [String] = []
    if tls {
      let authority = try await CertificateAuthority(
        directory: directory + "/ca", name: "whitlock test CA")
      let certificate = directory + "/server.crt"
      let key = directory + "/server.key"
      try await authority.issueServerCertificate(
        certificate: certificate, key: key, names: certificateNames)
      try Self.giveToServerUser([certificate, key])
      settings += [
        "ssl=on", "ssl_cert_file=" + certificate, "ssl_key_file=" + key,
        "hba_file=" + directory + "/pg_hba.conf",
      ]
      certificateAuthorityFile = authority.certificate
    } else {
      certificateAuthorityFile = nil
    }
    self.settings = settings
    try Self.giveToServerUser([directory + "/data", serverPassword])
    try await runAsServerUser(
      "initdb",
      [
        "-D", directory + "/data", "-U", Self.user, "--pwfile=" + serverPassword,
        "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync",
      ])
    if tls {
      let rules = "hostssl all all 127.0.0.1/32 scram-sha-256\n"
      try rules.write(toFile: directory + "/pg_hba.conf", atomically: false, encoding: .utf8)
      try Self.giveToServerUser([directory + "/pg_hba.conf"])
    }
    try await start()
    try await psql("CREATE DATABASE \(Self.database)", database: "postgres")
  }

  deinit {
    if let server, server.isRunning { server.send(SIGKILL) }
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// The URL the shipper is given (no password: that comes from `passwordFile`).
  public var url: String { url(query: "sslmode=disable") }

  /// The shipper's URL for `host` with the query `query` (`sslmode=…&sslrootcert=…`).
  public func url(host: String = "127.0.0.1", query: String) -> String {
    "postgres://\(Self.user)@\(host):\(port)/\(Self.database)?\(query)"
  }

  /// Starts the server on the same data directory and port; returns once it accepts connections.
  public func start() async throws {
    var arguments = Self.serverUserPrefix
    arguments += [
      bin + "/postgres", "-D", directory + "/data", "-p", "\(port)", "-k", "",
      "-c", "listen_addresses=127.0.0.1", "-c", "logging_collector=off",
    ]
    for setting in settings { arguments += ["-c", setting] }
    let child = try ChildProcess(arguments[0], Array(arguments.dropFirst()))
    server = child
    let ready = await child.wait(upTo: .seconds(90)) {
      $0.standardError.contains("database system is ready to accept connections") || !$0.isRunning
    }
    guard ready, child.isRunning else {
      throw SubprocessFailure(
        description: "postgres did not start on port \(port): \(child.standardError.suffix(2000))")
    }
  }

  /// Stops the server (fast shutdown: open transactions are rolled back) and waits for it; if
  /// the shutdown checkpoint takes longer than 30 s on a busy disk, an immediate shutdown
  /// (SIGQUIT, as after a crash) ends it, and the next start recovers from the WAL.
  public func stop() async {
    guard let server, server.isRunning else { return }
    server.send(SIGINT)
    if !(await server.wait(upTo: .seconds(30)) { !$0.isRunning }) { server.send(SIGQUIT) }
    _ = await server.waitForExit(upTo: .seconds(60))
  }

  /// Whether the server is running.
  public var isRunning: Bool { server?.isRunning ?? false }

  /// The postmaster's process id while it runs (every backend is its child).
  public var serverPID: Int32? { server.flatMap { $0.isRunning ? $0.pid : nil } }

  /// Runs `sql` through `psql` and returns its unaligned, tuples-only output, trimmed.
  @discardableResult
  public func psql(_ sql: String, database: String = PostgresServer.database) async throws
    -> String
  {
    let mode = requiresTLS ? "require" : "disable"
    let url =
      "postgresql://\(Self.user):\(Self.password)@127.0.0.1:\(port)/\(database)?sslmode=\(mode)"
    let result = try await Subprocess.run(
      URL(fileURLWithPath: bin + "/psql"),
      [url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-c", sql], deadline: 300)
    guard result.status == 0 else {
      throw SubprocessFailure(description: "psql failed for \(sql): \(result.standardError)")
    }
    return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The server's log so far (its standard error).
  public var log: String { server?.standardError ?? "" }

  private static var isRoot: Bool { getuid() == 0 }

  private static var serverUserPrefix: [String] {
    isRoot
      ? ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : []
  }

  private func runAsServerUser(_ tool: String, _ arguments: [String]) async throws {
    let command = Self.serverUserPrefix + [bin + "/" + tool] + arguments
    let result = try await Subprocess.run(
      URL(fileURLWithPath: command[0]), Array(command.dropFirst()), deadline: 300)
    guard result.status == 0 else {
      throw SubprocessFailure(
        description:
          "\(tool) failed (\(result.status)): \(result.standardError)\(result.standardOutput)")
    }
  }

  private static func giveToServerUser(_ paths: [String]) throws {
    guard isRoot else { return }
    guard let user = getpwnam("postgres") else {
      throw SubprocessFailure(description: "no postgres user; install the postgresql package")
    }
    for path in paths where chown(path, user.pointee.pw_uid, user.pointee.pw_gid) != 0 {
      throw SubprocessFailure(description: "cannot chown \(path) to postgres")
    }
  }

  /// A loopback TCP port nobody listens on now.
  private static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SubprocessFailure(description: "socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
      }
    }
    guard bound else { throw SubprocessFailure(description: "cannot bind a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}
