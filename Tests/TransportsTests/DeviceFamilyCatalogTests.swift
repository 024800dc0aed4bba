import AmptekDP5Family
import InstrumentFamilies
import OceanInsightFamily
import Testing
import WasatchFamily
import WhitlockCore

@Suite("Device family catalog")
struct DeviceFamilyCatalogTests {
  @Test("Amptek 10c4:842a is the DP5 family, an XRF instrument")
  func amptek() throws {
    let match = try #require(InstrumentFamilies.catalog.match(vendorID: 0x10C4, productID: 0x842A))
    #expect(match.family == "amptek-dp5")
    #expect(match.kind == .xrf)
    #expect(match.deviceProtocol == .dp5)
    #expect(match.model?.contains("DP5") == true)
    #expect(match.model?.contains("MCA8000D") == true)
  }

  @Test("Other Silicon Labs IDs (CP210x serial adapters) belong to no family")
  func siliconLabsIsNotVendorWide() {
    #expect(InstrumentFamilies.catalog.match(vendorID: 0x10C4, productID: 0xEA60) == nil)
    #expect(InstrumentFamilies.catalog.match(vendorID: 0x0403, productID: 0x6001) == nil)
    #expect(InstrumentFamilies.catalog.match(vendorID: 0x1D6B, productID: 0x0002) == nil)
  }

  @Test(
    "Ocean Insight models and protocols from the reference table",
    arguments: [
      (UInt16(0x101E), "USB2000+", DeviceProtocol.ooi),
      (0x1012, "HR4000", .ooi),
      (0x1018, "QE65000", .ooi),
      (0x102A, "Maya2000 Pro", .ooi),
      (0x1022, "USB4000", .ooi),
      (0x2000, "Jaz", .ooi),
      (0x4000, "STS", .obp),
      (0x4004, "QE Pro", .obp),
      (0x4200, "Spark", .obp),
      (0x2003, "HDX", .obp),
    ])
  func ocean(productID: UInt16, model: String, deviceProtocol: DeviceProtocol) throws {
    let match = try #require(
      InstrumentFamilies.catalog.match(vendorID: 0x2457, productID: productID))
    #expect(match.family == "ocean-insight")
    #expect(match.model == model)
    #expect(match.deviceProtocol == deviceProtocol)
    #expect(match.kind == .raman)
  }

  @Test("Ocean's OBP2 series on VID 0x0999 is listed by exact ID only")
  func oceanOBP2() throws {
    let match = try #require(InstrumentFamilies.catalog.match(vendorID: 0x0999, productID: 0x1000))
    #expect(match.family == "ocean-insight")
    #expect(match.model == "Ocean ST")
    #expect(match.deviceProtocol == .obp2)
    #expect(InstrumentFamilies.catalog.match(vendorID: 0x0999, productID: 0x7777) == nil)
  }

  @Test("Wasatch product IDs name the board generation")
  func wasatch() throws {
    let expected: [UInt16: String] = [0x1000: "FX2 (silicon)", 0x2000: "FX2 InGaAs", 0x4000: "ARM"]
    for (productID, model) in expected {
      let match = try #require(
        InstrumentFamilies.catalog.match(vendorID: 0x24AA, productID: productID))
      #expect(match.family == "wasatch")
      #expect(match.model == model)
      #expect(match.deviceProtocol == .wasatchFID)
    }
  }

  @Test("Unknown products of Ocean and Wasatch are that family with an unknown model")
  func unknownModels() throws {
    for vendorID: UInt16 in [0x2457, 0x24AA] {
      let match = try #require(
        InstrumentFamilies.catalog.match(vendorID: vendorID, productID: 0xBEEF))
      #expect(match.model == nil)
      #expect(match.deviceProtocol == nil)
      #expect(match.modelDescription == "unknown model")
    }
    #expect(
      InstrumentFamilies.catalog.match(vendorID: 0x2457, productID: 0xBEEF)?.family
        == "ocean-insight")
    #expect(
      InstrumentFamilies.catalog.match(vendorID: 0x24AA, productID: 0xBEEF)?.family == "wasatch")
  }

  @Test("Every VID:PID appears once in the table")
  func entriesAreUnique() {
    let ids = InstrumentFamilies.catalog.entries.map { "\($0.vendorID):\($0.productID)" }
    #expect(Set(ids).count == ids.count)
    #expect(ids.count >= 30)
  }
}
