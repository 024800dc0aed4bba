import Foundation
import InstrumentFamilies
import Spool
import Transports
import WhitlockConfiguration
import WhitlockCore

#if canImport(Glibc)
  import Glibc
#endif

/// One finding of `whitlockctl doctor`.
public struct DoctorFinding: Sendable, Equatable {
  /// How serious the finding is.
  public enum Severity: String, Sendable {
    case ok, warning, failure
  }

  public var check: String
  public var severity: Severity
  public var message: String
  /// What to do about it, when something is wrong.
  public var fix: String?

  public init(check: String, severity: Severity, message: String, fix: String? = nil) {
    self.check = check
    self.severity = severity
    self.message = message
    self.fix = fix
  }
}

/// Checks what a sysadmin would otherwise find out from a failing service: configuration, spool
/// writability and free space, device visibility and permissions, udev rules and the unit.
public struct Doctor {
  /// Where to look for installed files; tests point these into scratch directories.
  public struct Environment: Sendable {
    public var udevRuleFiles = [
      "/etc/udev/rules.d/60-whitlockd.rules", "/usr/lib/udev/rules.d/60-whitlockd.rules",
    ]
    public var unitFiles = [
      "/etc/systemd/system/whitlockd.service", "/usr/local/lib/systemd/system/whitlockd.service",
      "/usr/lib/systemd/system/whitlockd.service",
    ]
    /// Free space below this fails the spool check; below 10× this it warns.
    public var minimumFreeBytes: UInt64 = 256 << 20
    /// Device scan, replaceable so tests do not depend on the machine's USB bus.
    public var scanDevices: @Sendable () throws -> DeviceInventory = {
      try DeviceDiscovery.scan(catalog: InstrumentFamilies.catalog)
    }

    public init() {}
  }

  public var environment: Environment

  public init(environment: Environment = Environment()) { self.environment = environment }

  /// Runs every check for the configuration at `configPath` (`nil`: the embedded default).
  public func run(configPath: String?) -> [DoctorFinding] {
    var findings: [DoctorFinding] = []
    let configuration: DaemonConfiguration
    do {
      configuration =
        try configPath.map { try ConfigurationLoader.load(path: $0) }
        ?? ConfigurationLoader.embeddedDefault()
      if let advice = configuration.noInstrumentAdvice {
        findings.append(
          .init(
            check: "config", severity: .warning, message: "\(configuration.source): \(advice)",
            fix: "uncomment the example for your hardware in \(configuration.source)"))
      } else {
        findings.append(
          .init(
            check: "config", severity: .ok,
            message: "\(configuration.source): \(configuration.instruments.count) instruments"))
      }
    } catch {
      findings.append(
        .init(
          check: "config", severity: .failure, message: "\(error)",
          fix: "correct the key named above; `whitlockd --check-config FILE` re-checks it"))
      return findings
    }
    findings.append(contentsOf: checkSpool(configuration.spool.path))
    findings.append(contentsOf: checkDevices(configuration))
    findings.append(checkStage(configuration.stage))
    findings.append(
      checkInstalled(
        "udev rules", environment.udevRuleFiles,
        fix: "make install, then `udevadm control --reload-rules && udevadm trigger`"))
    findings.append(
      checkInstalled(
        "systemd unit", environment.unitFiles,
        fix: "make install, then `systemctl daemon-reload && systemctl enable --now whitlockd`"))
    return findings
  }

  func checkSpool(_ path: String) -> [DoctorFinding] {
    let layout = SpoolLayout(root: path)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      !isDirectory.boolValue
    {
      return [
        .init(
          check: "spool", severity: .failure, message: "\(path) exists but is not a directory",
          fix: "set [spool] path to a directory")
      ]
    }
    // Probe where the daemon will write, without creating anything a sysadmin did not ask for.
    var probeDirectory = FileManager.default.fileExists(atPath: layout.tmp) ? layout.tmp : path
    var creates = false
    if !FileManager.default.fileExists(atPath: path) {
      creates = true
      probeDirectory = (path as NSString).deletingLastPathComponent
      while !probeDirectory.isEmpty && !FileManager.default.fileExists(atPath: probeDirectory) {
        probeDirectory = (probeDirectory as NSString).deletingLastPathComponent
      }
      if probeDirectory.isEmpty { probeDirectory = "." }
    }
    let probe = probeDirectory + "/.whitlockd-doctor-\(getpid())"
    let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      let reason = String(cString: strerror(errno))
      return [
        .init(
          check: "spool", severity: .failure,
          message: "cannot write in \(probeDirectory): \(reason)",
          fix:
            "give the whitlockd user write access (the tmpfiles.d snippet creates the spool with the right owner)"
        )
      ]
    }
    let synced = fsync(fd) == 0
    close(fd)
    unlink(probe)
    guard synced else {
      return [
        .init(
          check: "spool", severity: .failure, message: "fsync fails in \(probeDirectory)",
          fix: "put the spool on a local filesystem that supports fsync")
      ]
    }
    if creates {
      return [
        .init(
          check: "spool", severity: .ok,
          message:
            "\(path) does not exist yet; whitlockd will create it (\(probeDirectory) is writable)")
      ]
    }
    var findings: [DoctorFinding] = []
    var stats = statvfs()
    if statvfs(path, &stats) == 0 {
      let free = UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
      let text = "\(free >> 20) MiB free at \(path)"
      if free < environment.minimumFreeBytes {
        findings.append(
          .init(
            check: "spool space", severity: .failure, message: text,
            fix:
              "free space or move the spool; whitlockd keeps records in memory only up to backlog_records"
          ))
      } else if free < environment.minimumFreeBytes * 10 {
        findings.append(
          .init(check: "spool space", severity: .warning, message: text, fix: "plan more space"))
      } else {
        findings.append(.init(check: "spool space", severity: .ok, message: text))
      }
    }
    if let report = try? SpoolVerifier.verify(layout), !report.temporaryLeftovers.isEmpty {
      let running = (try? SpoolLock(layout: layout)) == nil
      findings.append(
        .init(
          check: "spool", severity: running ? .ok : .warning,
          message: running
            ? "writable; whitlockd is running and has \(report.temporaryLeftovers.count) open segment(s)"
            : "writable; \(report.temporaryLeftovers.count) unpublished segment(s) in tmp/ from an unclean stop",
          fix: running ? nil : "the next whitlockd start recovers them"))
    } else {
      findings.append(
        .init(check: "spool", severity: .ok, message: "\(path) is writable and fsync works"))
    }
    return findings
  }

  func checkDevices(_ configuration: DaemonConfiguration) -> [DoctorFinding] {
    var findings: [DoctorFinding] = []
    var inventory: DeviceInventory?
    for instrument in configuration.instruments {
      let check = "device \(instrument.id)"
      switch instrument.deviceRequirement {
      case .none:
        findings.append(.init(check: check, severity: .ok, message: "simulated, no device needed"))
      case .serialPort(let path):
        findings.append(checkSerialPort(path, check: check))
      case .usb(let vendorID, let productID, let serial):
        if inventory == nil {
          do { inventory = try environment.scanDevices() } catch {
            findings.append(
              .init(
                check: check, severity: .failure, message: "cannot list USB devices: \(error)",
                fix: "install libusb-1.0 and libudev, and run where /dev/bus/usb is visible"))
            continue
          }
        }
        findings.append(
          checkUSB(
            inventory!, vendorID: vendorID, productID: productID, serial: serial, check: check))
      }
    }
    return findings
  }

  /// `[stage]`: none (maps refused), simulated, or a serial port that must be usable.
  func checkStage(_ stage: StageConfiguration?) -> DoctorFinding {
    guard let stage else {
      return .init(check: "stage", severity: .ok, message: "no [stage]: maps are refused")
    }
    switch stage.driver {
    case .simulated:
      return .init(
        check: "stage", severity: .ok,
        message: "simulated stage (driver = \"simulated\"), no device needed")
    case .proscan, .tango:
      var finding = checkSerialPort(stage.port ?? "", check: "stage")
      finding.message = "\(stage.driver.rawValue): \(finding.message)"
      return finding
    }
  }

  func checkSerialPort(_ path: String, check: String) -> DoctorFinding {
    guard FileManager.default.fileExists(atPath: path) else {
      return .init(
        check: check, severity: .failure, message: "\(path) does not exist",
        fix: "plug the instrument in, or correct `port`; `whitlockctl devices` lists serial ports")
    }
    guard access(path, R_OK | W_OK) == 0 else {
      var info = stat()
      let group =
        stat(path, &info) == 0
        ? (getgrgid(info.st_gid).map { String(cString: $0.pointee.gr_name) } ?? "\(info.st_gid)")
        : "?"
      return .init(
        check: check, severity: .failure,
        message: "no read/write access to \(path) (owned by group \(group))",
        fix:
          "add the service user to group \(group), or add a udev rule for the adapter to 60-whitlockd.rules"
      )
    }
    return .init(check: check, severity: .ok, message: "\(path) present and accessible")
  }

  func checkUSB(
    _ inventory: DeviceInventory, vendorID: UInt16, productID: UInt16?, serial: String?,
    check: String
  ) -> DoctorFinding {
    let wanted = String(
      format: "%04x:%@", vendorID, productID.map { String(format: "%04x", $0) } ?? "*")
    let candidates = inventory.usb.filter {
      $0.vendorID == vendorID && (productID == nil || $0.productID == productID)
        && (serial == nil || $0.serial == serial)
    }
    guard let device = candidates.first else {
      let serialText = serial.map { " with serial \($0)" } ?? ""
      return .init(
        check: check, severity: .failure, message: "no USB device \(wanted)\(serialText) attached",
        fix: "plug it in (whitlockd follows hotplug); `whitlockctl devices` lists what is attached")
    }
    if case .failed(let error) = device.access {
      return .init(
        check: check, severity: .failure, message: "\(device.devicePath): \(error.message)",
        fix: "install 60-whitlockd.rules and add the service user to group "
          + (vendorID == 0x24AA ? "whitlock-laser (Wasatch: the laser group)" : "whitlockd"))
    }
    return .init(
      check: check, severity: .ok,
      message: "\(wanted) at \(device.devicePath) (serial \(device.serial ?? "unknown"))")
  }

  func checkInstalled(_ name: String, _ candidates: [String], fix: String) -> DoctorFinding {
    if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
      return .init(check: name, severity: .ok, message: "installed at \(found)")
    }
    return .init(check: name, severity: .warning, message: "not installed", fix: fix)
  }
}
