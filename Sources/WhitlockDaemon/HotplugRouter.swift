import Foundation
import Logging
import ServiceLifecycle
import Transports
import WhitlockConfiguration

extension DeviceRequirement {
  /// Whether a udev event concerns the device this requirement names.
  ///
  /// USB devices match on vendor ID, then product ID and serial number when the requirement
  /// names them, never on bus position, so a device replugged into another port is still
  /// recognised. Serial ports match on the device node, either the configured path itself or the
  /// node it resolves to (`/dev/serial/by-id/…` symlinks point at `/dev/ttyUSB…`); `resolvedPath`
  /// is that resolution, remembered from when the link still existed, because udev removes the
  /// symlink before the `remove` event arrives.
  public func matches(_ event: HotplugEvent, resolvedPath: String? = nil) -> Bool {
    switch self {
    case .none:
      return false
    case .usb(let vendorID, let productID, let serial):
      guard event.subsystem == "usb", event.vendorID == vendorID else { return false }
      if let productID, event.productID != productID { return false }
      if let serial, event.serial != serial { return false }
      return true
    case .serialPort(let path):
      guard let node = event.deviceNode, !path.isEmpty else { return false }
      return node == path || node == resolvedPath
    }
  }
}

/// Routes udev events to the sessions whose instruments need the devices they concern.
///
/// One libudev monitor serves the whole daemon. An `add` that matches an instrument wakes its
/// session's reopen back-off; a `remove` stops its acquisition in flight. When the monitor cannot
/// start (no udev, e.g. in a container), the daemon still works on its back-off timers alone.
public struct HotplugRouter: Service {
  /// One instrument's requirement and the channel to its session.
  public struct Route: Sendable {
    public var instrumentID: String
    public var requirement: DeviceRequirement
    public var presence: DevicePresence

    public init(instrumentID: String, requirement: DeviceRequirement, presence: DevicePresence) {
      self.instrumentID = instrumentID
      self.requirement = requirement
      self.presence = presence
    }
  }

  private let routes: [Route]
  private let logger: Logger

  /// - Parameter routes: instruments that need a device (`requirement != .none`).
  public init(routes: [Route], logger: Logger) {
    self.routes = routes.filter { $0.requirement != .none }
    self.logger = logger
  }

  /// True when some instrument needs a device, so a monitor is worth running.
  public var isNeeded: Bool { !routes.isEmpty }

  public func run() async throws {
    let monitor: HotplugMonitor
    do { monitor = try HotplugMonitor() } catch {
      logger.warning(
        "no udev monitor; devices are found by the reopen back-off only",
        metadata: ["error": "\(error)"])
      try? await gracefulShutdown()
      return
    }
    logger.info(
      "following devices through udev",
      metadata: ["instruments": "\(routes.map(\.instrumentID).joined(separator: ","))"])
    await cancelWhenGracefulShutdown {
      var resolved = routes.map { Self.resolve($0.requirement) }
      for await event in monitor.events {
        guard event.action == .add || event.action == .remove else { continue }
        for (index, route) in routes.enumerated() {
          if event.action == .add { resolved[index] = Self.resolve(route.requirement) }
          guard route.requirement.matches(event, resolvedPath: resolved[index]) else { continue }
          logger.info(
            event.action == .add ? "device appeared" : "device removed",
            metadata: [
              "instrument": "\(route.instrumentID)",
              "node": "\(event.deviceNode ?? event.sysPath)",
              "serial": "\(event.serial ?? "-")",
            ])
          route.presence.signal(event.action == .add ? .arrived : .removed)
        }
      }
    }
    monitor.stop()
  }

  /// The device node a serial-port path resolves to now, if it is a link that exists.
  static func resolve(_ requirement: DeviceRequirement) -> String? {
    guard case .serialPort(let path) = requirement, !path.isEmpty else { return nil }
    guard let target = realpath(path, nil) else { return nil }
    defer { free(target) }
    return String(cString: target)
  }
}
