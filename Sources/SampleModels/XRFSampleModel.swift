import Foundation
import WhitlockCore

/// A physical model of an energy-dispersive XRF measurement with a silicon drift detector (SDD)
/// on a calcified tissue point, producing multichannel-analyser counts.
///
/// Lines are Gaussians whose width follows the SDD resolution law
/// FWHM(E) = sqrt(FWHM0² + 8·ln2·F·ε·E): the second term is Fano-limited charge statistics in
/// silicon (Fano factor F = 0.115, pair-creation energy ε = 3.65 eV, so k = 8·ln2·F·ε ≈ 2.33 eV),
/// the first the electronic noise. With FWHM0 = 70 eV this gives 137 eV at Mn Kα (5.9 keV), within
/// the 125–140 eV of current SDDs. Strong lines above the Si K edge lose a small fraction to Si
/// escape peaks 1.74 keV lower. The continuum is a Kramers-like scattered bremsstrahlung with
/// low-energy absorption (window and air) and high-energy transparency of the silicon. Events
/// arrive at the input count rate; a paralyzable dead time τ leaves a live fraction exp(−ICR·τ).
///
/// Mg Kα intensity = molar Mg/Ca × Ca Kα intensity × `relativeSensitivityMgToCa`: the low
/// fluorescence yield of Mg and the absorption of its 1.25 keV photons in window and air make it
/// far weaker per atom than Ca. A detector configured with this factor as its relative sensitivity
/// factor recovers the molar ratio.
public struct XRFSampleModel: Sendable, Equatable {
  /// Number of MCA channels (1024–8192).
  public var channelCount: Int = 2048
  /// Energy calibration gain, keV per channel.
  public var keVPerChannel: Double = 0.01
  /// Energy of channel 0, keV.
  public var offsetKeV: Double = 0.015
  /// Accumulation (real) time, s.
  public var realTimeSeconds: Double = 10
  /// Largest count a channel holds (24-bit counters); larger values clip.
  public var fullScale: UInt32 = 16_777_215
  /// Electronic-noise contribution to the line width, keV FWHM.
  public var fwhmZero: Double = 0.070
  /// Fano factor of silicon.
  public var fanoFactor: Double = 0.115
  /// Mean energy to create one electron–hole pair in silicon, keV.
  public var pairCreationEnergy: Double = 0.00365
  /// Ca Kα full-energy peak rate at calcium strength 1, counts/s.
  public var calciumRate: Double = 4000
  /// Ca Kβ rate as a fraction of Ca Kα.
  public var calciumKBetaRatio: Double = 0.13
  /// P Kα rate at phosphorus strength 1, counts/s.
  public var phosphorusRate: Double = 600
  /// Mg Kα counts per Ca Kα count per unit molar Mg/Ca.
  public var relativeSensitivityMgToCa: Double = 0.07
  /// Sr Kα rate as a fraction of Ca Kα (trace strontium substituting for calcium).
  public var strontiumToCalciumRate: Double = 0.004
  /// Soft-tissue trace lines at tissue strength 1 (S, Cl, K, Fe, Zn), counts/s.
  public var tissueLines: [XRFLine] = [
    XRFLine(name: "S Ka", energy: 2.307, rate: 150),
    XRFLine(name: "Cl Ka", energy: 2.622, rate: 250),
    XRFLine(name: "K Ka", energy: 3.313, rate: 200),
    XRFLine(name: "Fe Ka", energy: 6.404, rate: 300),
    XRFLine(name: "Zn Ka", energy: 8.638, rate: 120),
  ]
  /// Mg Kα energy, keV.
  public var magnesiumEnergy: Double = 1.254
  /// P Kα energy, keV.
  public var phosphorusEnergy: Double = 2.013
  /// Ca Kα energy, keV.
  public var calciumEnergy: Double = 3.691
  /// Ca Kβ energy, keV.
  public var calciumKBetaEnergy: Double = 4.013
  /// Sr Kα energy, keV.
  public var strontiumEnergy: Double = 14.165
  /// Fraction of a line's full-energy rate that appears again in its Si escape peak.
  public var escapeFraction: Double = 0.01
  /// Energy an escaping Si Kα photon carries away, keV.
  public var escapeEnergy: Double = 1.74
  /// Si K absorption edge, keV: only lines above it produce escape peaks.
  public var siliconEdge: Double = 1.839
  /// Continuum scale: density = scale·(E0 − E)/E counts/s/keV before absorption.
  public var continuumScale: Double = 25
  /// Tube voltage E0 that ends the continuum, kV (keV).
  public var tubeVoltage: Double = 40
  /// Energy at which window and air absorption leave e⁻¹ of the continuum, keV.
  public var absorptionEnergy: Double = 1.3
  /// Energy above which the silicon becomes transparent (e⁻¹ absorption), keV.
  public var transparencyEnergy: Double = 18
  /// Multiplier on every rate (tube current); raise it to drive the detector into dead time.
  public var fluxScale: Double = 1
  /// Paralyzable dead time per event, s.
  public var deadTimePerEvent: Double = 2e-6

  /// A model with the default parameters for `channelCount` channels.
  public init(channelCount: Int = 2048) {
    self.channelCount = channelCount
  }

  /// The axis calibration a device with this model would report.
  public var axisCalibration: AxisCalibration {
    .linearEnergy(keVPerChannel: keVPerChannel, offsetKeV: offsetKeV)
  }

  /// Line width (FWHM, keV) at `energy` keV.
  public func fwhm(atEnergy energy: Double) -> Double {
    let fanoTerm = 8 * log(2.0) * fanoFactor * pairCreationEnergy * max(energy, 0)
    return (fwhmZero * fwhmZero + fanoTerm).squareRoot()
  }

  /// Every fluorescence line (full-energy peaks, no escapes) for `composition`, rates in counts/s.
  public func lines(for composition: XRFComposition) -> [XRFLine] {
    let calcium = calciumRate * max(composition.calciumStrength, 0) * fluxScale
    let magnesium = calcium * max(composition.mgToCaMolar, 0) * relativeSensitivityMgToCa
    var result = [
      XRFLine(name: "Mg Ka", energy: magnesiumEnergy, rate: magnesium),
      XRFLine(
        name: "P Ka", energy: phosphorusEnergy,
        rate: phosphorusRate * max(composition.phosphorusStrength, 0) * fluxScale),
      XRFLine(name: "Ca Ka", energy: calciumEnergy, rate: calcium),
      XRFLine(name: "Ca Kb", energy: calciumKBetaEnergy, rate: calcium * calciumKBetaRatio),
      XRFLine(name: "Sr Ka", energy: strontiumEnergy, rate: calcium * strontiumToCalciumRate),
    ]
    let tissue = max(composition.tissueStrength, 0) * fluxScale
    for line in tissueLines {
      result.append(XRFLine(name: line.name, energy: line.energy, rate: line.rate * tissue))
    }
    return result
  }

  /// Continuum density at `energy` keV, counts/s/keV.
  public func continuum(atEnergy energy: Double) -> Double {
    guard energy > 0, energy < tubeVoltage else { return 0 }
    let kramers = continuumScale * (tubeVoltage - energy) / energy
    let absorbed = exp(-pow(absorptionEnergy / energy, 3))
    let stopped = 1 - exp(-pow(transparencyEnergy / energy, 3))
    return kramers * absorbed * stopped * fluxScale
  }
}
