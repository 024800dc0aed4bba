import Foundation
import Testing

@testable import Detection

/// The soft X-ray attenuation model: the glass matrix with oxygen by stoichiometry, and the
/// absorber recovered from a scatter line and ratios attenuated by a known absorber.
@Suite struct XRFSoftXRayAttenuationTests {
  /// BIR-1G's certificate, wt %.
  static let bir: [String: Double] = [
    "Na": 1.35, "Mg": 5.85, "Al": 8.20, "Si": 22.42, "K": 0.03, "Ca": 9.51, "Ti": 0.58,
    "Mn": 0.14, "Fe": 7.90,
  ]
  /// BHVO-2G's certificate, wt %.
  static let bhvo: [String: Double] = [
    "Na": 1.62, "Mg": 4.36, "Al": 7.17, "Si": 23.30, "K": 0.43, "Ca": 8.18, "Ti": 1.65,
    "Mn": 0.13, "Fe": 8.37,
  ]

  static func molarToCalcium(_ composition: [String: Double]) -> [String: Double] {
    let calcium = (composition["Ca"] ?? 1) / 40.078
    var ratios: [String: Double] = [:]
    for (element, fraction) in composition where element != "Ca" {
      ratios[element] = fraction / (XRFLineLibrary.atomicWeight(element) ?? 1) / calcium
    }
    return ratios
  }

  /// Oxygen by stoichiometry makes BIR-1G 44.8 wt % O (its oxides sum to 100.9 %).
  @Test func glassMatrixHasItsOxygen() {
    let matrix = XRFSoftXRayAttenuation.matrix(Self.bir)
    #expect(abs(matrix.values.reduce(0, +) - 1) < 1e-12)
    let oxygen = (matrix["O"] ?? 0) * Self.bir.values.reduce(0, +) / (1 - (matrix["O"] ?? 0))
    #expect(abs(oxygen - 44.8) < 0.3, "O \(oxygen) wt %")
    // Mg Kα is absorbed about 7.7 times as strongly as Ca Kα in basalt glass.
    let mg = XRFSoftXRayAttenuation.attenuation(matrix, atLineOf: "Mg") ?? 0
    let ca = XRFSoftXRayAttenuation.attenuation(matrix, atLineOf: "Ca") ?? 1
    #expect((7...8.5).contains(mg / ca), "μ(Mg Kα) \(mg), μ(Ca Kα) \(ca)")
  }

  /// An unknown of another composition behind a known absorber: the absorber is recovered from
  /// its scatter indicator and its attenuated ratios, and the correction restores the ratios.
  @Test(arguments: [0.0, 1.5e-4, -0.8e-4])
  func absorberIsRecovered(mass: Double) throws {
    let absorber = XRFSoftXRayAttenuation.matrix(Self.bir)
    let constant = 1.7
    let reference = XRFSoftXRayAttenuation.reference(
      scatterIndicator: constant
        * XRFSoftXRayAttenuation.scatterRatio(
          XRFSoftXRayAttenuation.matrix(Self.bir.filter { $0.value >= 0.5 })),
      composition: Self.bir)
    #expect(abs(reference - constant) < 1e-12)
    let span =
      XRFSoftXRayAttenuation.attenuation(absorber, XRFSoftXRayAttenuation.scatterIndex)
      - XRFSoftXRayAttenuation.attenuation(absorber, XRFSoftXRayAttenuation.continuumIndex)
    let majors = Self.bhvo.filter { (Self.bir[$0.key] ?? 0) >= 0.5 }
    let indicator =
      constant * XRFSoftXRayAttenuation.scatterRatio(XRFSoftXRayAttenuation.matrix(majors))
      * exp(-span * mass)
    var attenuated: [String: Double] = [:]
    for (element, ratio) in Self.molarToCalcium(Self.bhvo) {
      attenuated[element] =
        ratio / XRFSoftXRayAttenuation.correction(element, absorber: absorber, mass: mass)
    }
    let found = try #require(
      XRFSoftXRayAttenuation.absorberMass(
        scatterIndicator: indicator, reference: reference, standard: Self.bir,
        molarToCalcium: attenuated))
    #expect(abs(found - mass) < 1e-9, "found \(found) for \(mass)")
    let magnesium = try #require(attenuated["Mg"])
    let restored =
      magnesium * XRFSoftXRayAttenuation.correction("Mg", absorber: absorber, mass: found)
    #expect(abs(restored / (Self.molarToCalcium(Self.bhvo)["Mg"] ?? 0) - 1) < 1e-6)
  }

  /// Without a usable scatter indicator there is no estimate.
  @Test func noIndicatorNoEstimate() {
    #expect(
      XRFSoftXRayAttenuation.absorberMass(
        scatterIndicator: .nan, reference: 1, standard: Self.bir, molarToCalcium: ["Mg": 1])
        == nil)
    #expect(XRFSoftXRayAttenuation.correction("Sr", absorber: [:], mass: 1e-3) == 1)
  }
}
