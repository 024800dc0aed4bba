/// What the umockdev testbed (`Sources/whitlock-sim/Resources/usb-testbed.py`) tells a USB device
/// emulation about the usbdevfs requests a client made on the emulated device node.
///
/// The testbed answers the bookkeeping ioctls itself (claim, capabilities, reap) and forwards
/// only what the device must see, so a driver and an emulation still meet as bytes on the wire.
public enum USBBridgeRequest: Sendable, Equatable {
  /// A URB was submitted. `bytes` is the OUT data (for control URBs: the 8-byte setup packet
  /// and any OUT data stage); `length` is the URB's buffer length.
  case submit(id: UInt32, type: USBTransferType, endpoint: UInt8, length: Int, bytes: [UInt8])
  /// The client cancelled URB `id` (a libusb timeout).
  case discard(id: UInt32)
  /// `USBDEVFS_CLEAR_HALT` on `endpoint`.
  case clearHalt(endpoint: UInt8)
  /// The client closed the node or died: its URBs in flight are dropped unanswered.
  case clientGone
}

/// What a USB device emulation answers the testbed.
public enum USBBridgeReply: Sendable, Equatable {
  /// URB `id` finished with `status` (0 or a negative errno, e.g. -32 for a stall) and `actual`
  /// bytes transferred; `bytes` is the IN data.
  case completion(id: UInt32, status: Int32, actual: Int, bytes: [UInt8])
  /// The answer to a discard: `cancelled` when the URB had not completed yet.
  case discardAnswer(id: UInt32, cancelled: Bool)
}

/// The usbdevfs URB types (`USBDEVFS_URB_TYPE_*`).
public enum USBTransferType: UInt8, Sendable, Equatable {
  case isochronous = 0
  case interrupt = 1
  case control = 2
  case bulk = 3
}

/// Linux errno values a URB completes with, negated as usbdevfs reports them.
public enum URBStatus {
  /// Completed.
  public static let success: Int32 = 0
  /// Discarded before it completed (`-ENOENT`).
  public static let discarded: Int32 = -2
  /// The device is gone (`-ENODEV`).
  public static let noDevice: Int32 = -19
  /// The endpoint stalled (`-EPIPE`).
  public static let stall: Int32 = -32
  /// The device sent more than the buffer holds (`-EOVERFLOW`, babble).
  public static let overflow: Int32 = -75
}
