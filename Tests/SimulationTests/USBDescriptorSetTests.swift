import Simulation
import Testing
import USBBridge

/// The standard descriptors libusb reads from the emulated devices' sysfs and EP0.
@Suite struct USBDescriptorSetTests {
  let set = USBDescriptorSet(
    vendorID: 0x2457, productID: 0x101E, manufacturer: "Ocean", product: "USB2000+",
    serial: "U1", endpoints: [.init(address: 0x01), .init(address: 0x81, maxPacketSize: 64)])

  @Test func deviceDescriptor() {
    #expect(
      set.device == [
        18, 1, 0x00, 0x02, 0xFF, 0, 0, 64, 0x57, 0x24, 0x1E, 0x10, 0x00, 0x01, 1, 2, 3, 1,
      ])
  }

  @Test func configurationWithInterfaceAndEndpoints() {
    #expect(
      set.configuration == [
        9, 2, 32, 0, 1, 1, 0, 0x80, 250,
        9, 4, 0, 0, 2, 0xFF, 0, 0, 0,
        7, 5, 0x01, 2, 0x00, 0x02, 0,
        7, 5, 0x81, 2, 64, 0, 0,
      ])
    #expect(set.sysfsDescriptors == set.device + set.configuration)
  }

  @Test func stringsAreUTF16LittleEndianWithTheLanguageList() {
    #expect(set.string(0) == [4, 3, 0x09, 0x04])
    #expect(set.string(3) == [6, 3, 0x55, 0, 0x31, 0])
    #expect(set.string(2)?.count == 2 + 2 * 8)
    #expect(set.string(4) == nil)
  }

  @Test func getDescriptorIsCutToTheRequestedLengthAndUnknownTypesStall() {
    #expect(set.descriptor(value: 0x0100, length: 8) == Array(set.device.prefix(8)))
    #expect(set.descriptor(value: 0x0200, length: 9)?.count == 9)
    #expect(set.descriptor(value: 0x0303, length: 255) == set.string(3))
    #expect(set.descriptor(value: 0x0600, length: 10) == nil, "device qualifier: stall")
  }
}
