import CLibUSB
import Testing
import Transports

@Suite("libusb error messages")
struct USBErrorTests {
  static let codes: [Int32] = [
    LIBUSB_ERROR_IO, LIBUSB_ERROR_INVALID_PARAM, LIBUSB_ERROR_ACCESS, LIBUSB_ERROR_NO_DEVICE,
    LIBUSB_ERROR_NOT_FOUND, LIBUSB_ERROR_BUSY, LIBUSB_ERROR_TIMEOUT, LIBUSB_ERROR_OVERFLOW,
    LIBUSB_ERROR_PIPE, LIBUSB_ERROR_INTERRUPTED, LIBUSB_ERROR_NO_MEM, LIBUSB_ERROR_NOT_SUPPORTED,
    LIBUSB_ERROR_OTHER,
  ].map(\.rawValue)

  @Test("Permission denied names the device node, the udev rule and the group")
  func access() {
    let error = USBError(
      code: LIBUSB_ERROR_ACCESS.rawValue, operation: "libusb_open",
      devicePath: "/dev/bus/usb/001/002")
    #expect(
      error.message
        == "permission denied opening /dev/bus/usb/001/002: install whitlockd's udev rule "
        + "(60-whitlockd.rules) and add the service user to group whitlockd (whitlock-laser for a "
        + "Wasatch)")
    #expect(error.name == "LIBUSB_ERROR_ACCESS")
    #expect(error.description.hasPrefix("libusb_open: permission denied"))
  }

  @Test("Every libusb error code has its own message and symbolic name")
  func everyCodeIsDistinct() {
    let messages = Self.codes.map { USBError.message(for: $0, devicePath: "/dev/bus/usb/002/007") }
    #expect(Set(messages).count == Self.codes.count)
    for message in messages {
      #expect(!message.hasPrefix("unknown libusb error"))
    }
    let names = Self.codes.map { USBError(code: $0, operation: "op").name }
    #expect(names.allSatisfy { $0.hasPrefix("LIBUSB_ERROR_") })
    #expect(Set(names).count == Self.codes.count)
  }

  @Test("Device-specific messages mention the device node")
  func mentionsDevice() {
    for code in [LIBUSB_ERROR_IO, LIBUSB_ERROR_NO_DEVICE, LIBUSB_ERROR_BUSY, LIBUSB_ERROR_TIMEOUT] {
      #expect(
        USBError.message(for: code.rawValue, devicePath: "/dev/bus/usb/003/004")
          .contains("/dev/bus/usb/003/004"))
    }
  }

  @Test("An unlisted code still produces a message with the number")
  func unknownCode() {
    #expect(USBError.message(for: -1234, devicePath: nil).contains("-1234"))
  }
}
