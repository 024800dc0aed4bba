import Foundation
import InstrumentFamilies
import InstrumentFamilyKit
import Testing

/// The shipped udev rules give each instrument family's device nodes to group whitlockd, and
/// never hand a Wasatch spectrometer (whose laser can fire) to the console user through uaccess.
@Suite struct UdevRulesTests {
  private static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  /// The rule lines (comments and blank lines left out) that match `vendor`'s USB devices.
  private static func rules(forVendor vendor: String) throws -> [String] {
    let text = try String(
      contentsOfFile: packageRoot + "/systemd/60-whitlockd.rules", encoding: .utf8)
    return text.split(separator: "\n").map(String.init)
      .filter { !$0.hasPrefix("#") && $0.contains("ATTR{idVendor}==\"\(vendor)\"") }
  }

  /// Amptek and Ocean nodes go to group whitlockd; Wasatch nodes, whose lasers can fire, to
  /// whitlock-laser only, so that reading the spool or the monitor does not open a laser.
  @Test(arguments: [("10c4", "whitlockd"), ("2457", "whitlockd"), ("24aa", "whitlock-laser")])
  func everyFamilyIsGivenToItsGroupOnly(vendor: String, group: String) throws {
    let lines = try Self.rules(forVendor: vendor)
    #expect(lines.count == 1, "one rule for vendor \(vendor)")
    for line in lines {
      #expect(line.contains("GROUP=\"\(group)\""), "\(line)")
      #expect(line.contains("MODE=\"0660\""), "\(line)")
      #expect(line.contains("TAG+=\"systemd\""), "\(line)")
    }
  }

  /// The file holds exactly the rules the families declare, in registry order, so a family's
  /// devices cannot be left without a rule (or given wider access) by a forgotten edit.
  @Test func theShippedRulesAreTheFamiliesDeclarations() throws {
    let text = try String(
      contentsOfFile: Self.packageRoot + "/systemd/60-whitlockd.rules", encoding: .utf8)
    let shipped = text.split(separator: "\n").map(String.init).filter {
      $0.hasPrefix("SUBSYSTEM==\"usb\"")
    }
    #expect(shipped == InstrumentFamilies.udevRules.map(\.line))
  }

  /// Every USB ID a family claims in the catalog is reached by one of the declared rules.
  @Test func everyCataloguedDeviceHasARule() {
    let rules = InstrumentFamilies.udevRules
    for entry in InstrumentFamilies.catalog.entries {
      let covered = rules.contains {
        $0.vendorID == entry.vendorID && ($0.productID == nil || $0.productID == entry.productID)
          && $0.family == entry.match.family
      }
      #expect(covered, "no udev rule for \(entry.match.family) \(entry.match.modelDescription)")
    }
  }

  @Test func wasatchDevicesAreNotGivenToTheConsoleUser() throws {
    let lines = try Self.rules(forVendor: "24aa")
    #expect(!lines.isEmpty)
    for line in lines { #expect(!line.contains("uaccess"), "laser safety: \(line)") }
  }

  @Test func readmeSaysWhyWasatchIsLeftOutOfUaccess() throws {
    let readme = try String(contentsOfFile: Self.packageRoot + "/README.md", encoding: .utf8)
    let paragraph = try #require(
      readme.components(separatedBy: "\n- ").first { $0.contains("uaccess") },
      "the README explains uaccess")
    #expect(paragraph.contains("Wasatch"))
    #expect(paragraph.contains("laser"))
  }
}
