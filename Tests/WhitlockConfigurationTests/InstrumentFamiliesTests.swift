import InstrumentFamilies
import InstrumentFamilyKit
import Testing
import WhitlockConfiguration
import WhitlockCore

/// The family declarations agree with each other: one owner per driver name and per USB ID,
/// and every instrument they configure records how it was configured.
@Suite struct InstrumentFamiliesTests {
  @Test func driverNamesAreUnique() {
    let names = InstrumentFamilies.drivers.map(\.name.rawValue)
    #expect(Set(names).count == names.count, "\(names)")
    #expect(names.contains("simulated"))
  }

  @Test func catalogEntriesBelongToTheFamilyThatDeclaresThem() {
    for family in InstrumentFamilies.all {
      for entry in family.catalog.entries {
        #expect(entry.match.family == family.name, "\(entry)")
      }
      for vendor in family.catalog.vendorFamilies {
        #expect(vendor.family == family.name, "\(vendor)")
      }
    }
    let ids = InstrumentFamilies.catalog.entries.map { "\($0.vendorID):\($0.productID)" }
    #expect(Set(ids).count == ids.count, "a USB ID claimed twice")
  }

  @Test func aLaserIsNeverGivenToTheDesktopUser() {
    for rule in InstrumentFamilies.udevRules where rule.group == .laser {
      #expect(!rule.desktopAccess && !rule.line.contains("uaccess"), "\(rule.line)")
    }
  }

  /// An unknown driver is refused with the list of every registered one.
  @Test func anUnknownDriverNamesTheRegisteredOnes() throws {
    let text = "[[instrument]]\nid = \"r\"\nkind = \"raman\"\ndriver = \"horiba\"\n"
    do {
      _ = try ConfigurationLoader.parse(text, source: "x.toml")
      Issue.record("accepted an unknown driver")
    } catch {
      #expect(error.key == "instrument[0].driver" && error.line == 4, "\(error)")
      for name in InstrumentFamilies.drivers.map(\.name.rawValue) {
        #expect(error.message.contains("\"\(name)\""), "\(error.message)")
      }
    }
  }

  /// The run-start record of each driver has the members downstream readers expect, in the
  /// order earlier versions wrote them (same spool bytes for the same configuration).
  @Test(arguments: [
    (
      "driver = \"wasatch\"\n[instrument.device]\nemulate = true\nlaser_enabled = true\n",
      "{\"driver\":\"wasatch\",\"exposure_s\":1,\"device\":{\"emulate\":true,"
        + "\"laser_enabled\":true,\"laser_power_percent\":100},\"simulation\":{\"seed\":1,"
        + "\"serial\":\"SIM-r\",\"channels\":1024,\"acquisitions_per_point\":10,\"pacing\":1}}"
    ),
    (
      "driver = \"ocean-obp\"\n[instrument.device]\nmodel = \"STS\"\nusb_serial = \"S1\"\n",
      "{\"driver\":\"ocean-obp\",\"exposure_s\":1,\"device\":{\"emulate\":false,"
        + "\"usb_serial\":\"S1\",\"model\":\"STS\",\"excitation_nm\":785,\"transport\":\"usb\"}}"
    ),
    (
      "driver = \"simulated\"\n",
      "{\"driver\":\"simulated\",\"exposure_s\":1,\"simulation\":{\"seed\":1,"
        + "\"serial\":\"SIM-r\",\"channels\":1024,\"acquisitions_per_point\":10,\"pacing\":1}}"
    ),
  ])
  func runStartRecordsKeepTheirShape(driver: String, expected: String) throws {
    let text = "[[instrument]]\nid = \"r\"\nkind = \"raman\"\n" + driver
    let configuration = try ConfigurationLoader.parse(text, source: "x.toml")
    let record = try #require(configuration.instruments.first).record
    var writer = JSONWriter()
    writer.value(record)
    #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
  }
}
