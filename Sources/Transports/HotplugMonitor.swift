import CLibUDev
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Follows USB and serial devices as they come and go, through a libudev netlink monitor.
///
/// A dedicated thread owns the monitor (libudev is not thread-safe) and turns each uevent into a
/// `HotplugEvent` on `events`. Identity comes from udev properties (`ID_VENDOR_ID`,
/// `ID_MODEL_ID`, `ID_SERIAL_SHORT`) which, unlike sysfs attributes, are still present on
/// `remove`. Under systemd, `RestrictAddressFamilies=` must keep `AF_NETLINK` for this to work.
public final class HotplugMonitor: Sendable {
  /// The events, in the order udev sent them; finishes after `stop()`.
  public let events: AsyncStream<HotplugEvent>
  private let continuation: AsyncStream<HotplugEvent>.Continuation
  private let stopping = StopFlag()

  /// Starts listening to `subsystems` (default: `usb` devices and `tty` ports).
  ///
  /// - Throws: `DiscoveryError.udevUnavailable` when no monitor can be created.
  public init(subsystems: [String] = ["usb", "tty"]) throws(DiscoveryError) {
    guard let udev = udev_new() else { throw .udevUnavailable(errno: errno) }
    guard let monitor = udev_monitor_new_from_netlink(udev, "udev") else {
      let code = errno
      udev_unref(udev)
      throw .udevUnavailable(errno: code)
    }
    for subsystem in subsystems {
      udev_monitor_filter_add_match_subsystem_devtype(monitor, subsystem, nil)
    }
    guard udev_monitor_enable_receiving(monitor) >= 0 else {
      let code = errno
      udev_monitor_unref(monitor)
      udev_unref(udev)
      throw .udevUnavailable(errno: code)
    }
    (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1024))
    let handles = MonitorHandles(udev: udev, monitor: monitor)
    let thread = Thread { [continuation, stopping] in
      Self.receive(handles, continuation: continuation, stopping: stopping)
    }
    thread.name = "hotplug"
    thread.start()
  }

  /// Stops the thread (within about 200 ms) and finishes `events`.
  public func stop() { stopping.raise() }

  deinit { stop() }

  private static func receive(
    _ handles: MonitorHandles, continuation: AsyncStream<HotplugEvent>.Continuation,
    stopping: StopFlag
  ) {
    defer {
      udev_monitor_unref(handles.monitor)
      udev_unref(handles.udev)
      continuation.finish()
    }
    var poller = pollfd(fd: udev_monitor_get_fd(handles.monitor), events: Int16(POLLIN), revents: 0)
    while !stopping.isRaised {
      let ready = poll(&poller, 1, 200)
      if ready < 0 && errno != EINTR { return }
      guard ready > 0 else { continue }
      guard let device = udev_monitor_receive_device(handles.monitor) else { continue }
      defer { udev_device_unref(device) }
      continuation.yield(event(from: device))
    }
  }

  static func event(from device: OpaquePointer) -> HotplugEvent {
    func property(_ name: String) -> String? {
      udev_device_get_property_value(device, name).map { String(cString: $0) }
    }
    func attribute(_ name: String) -> String? {
      udev_device_get_sysattr_value(device, name).map { String(cString: $0) }
    }
    let action = property("ACTION").flatMap(HotplugEvent.Action.init(rawValue:)) ?? .other
    let vendor = property("ID_VENDOR_ID") ?? attribute("idVendor")
    let product = property("ID_MODEL_ID") ?? attribute("idProduct")
    return HotplugEvent(
      action: udev_device_get_action(device).map {
        HotplugEvent.Action(rawValue: String(cString: $0)) ?? .other
      }
        ?? action,
      subsystem: udev_device_get_subsystem(device).map { String(cString: $0) } ?? "",
      sysPath: udev_device_get_syspath(device).map { String(cString: $0) } ?? "",
      deviceNode: udev_device_get_devnode(device).map { String(cString: $0) }
        ?? property("DEVNAME"),
      vendorID: vendor.flatMap { UInt16($0, radix: 16) },
      productID: product.flatMap { UInt16($0, radix: 16) },
      serial: property("ID_SERIAL_SHORT") ?? attribute("serial"))
  }
}

/// The monitor's C handles, handed to the thread that alone uses them from then on.
private struct MonitorHandles: @unchecked Sendable {
  let udev: OpaquePointer
  let monitor: OpaquePointer
}

/// A flag one thread raises and another polls.
private final class StopFlag: Sendable {
  private let value = Atomic<Bool>(false)

  func raise() { value.store(true, ordering: .relaxed) }

  var isRaised: Bool { value.load(ordering: .relaxed) }
}
