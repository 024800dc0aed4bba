import Calibration
import Foundation

/// The CHARISMA round-robin spectra that ramanchada2 1.5.0 ships, grouped by setup, and the
/// evaluation the calibration test and benchmark share.
///
/// A setup is one instrument configuration with its own neon, silicon, polystyrene and calcite
/// spectra (FNMT-B_BW785 has no neon and is left out). The silicon is the plain wafer
/// (`Sil`) where the setup has one, else `S0B`, the first of the wafers every setup measured.
public enum CharismaRoundRobin {
  /// One setup's files, relative to the datasets directory.
  public struct Setup: Sendable {
    /// Provider, instrument, laser and operator/objective, as the dataset names them.
    public var name: String
    public var neon: String
    public var silicon: String
    /// Every silicon wafer spectrum the setup measured with the same optics (`silicon` among
    /// them): the laser is zeroed on the median of their band positions.
    public var siliconWafers: [String]
    public var polystyrene: String
    public var calcite: [String]
    /// The laser wavelength the vendor axis was computed with, for files that do not state it
    /// (the Horiba exports give Raman shift only); what a lab passes as --excitation-nm.
    public var excitationNanometres: Double?
    /// The setup's NIST SRM spectrum and which SRM it is, where the setup measured one.
    public var srm: String? = nil
    public var srmStandard: IntensityStandard? = nil
  }

  /// Every setup with neon, silicon, polystyrene and calcite.
  public static let setups: [Setup] = [
    Setup(
      name: "FMNT-M_BW532", neon: "FMNT-M_BW532/NeonSNQ043_iR532_Probe_100msx2.txt",
      silicon: "FMNT-M_BW532/Sil10_iR532_Probe_100_60000msx2.txt",
      siliconWafers: [
        "FMNT-M_BW532/S0B10_iR532_Probe_100_60000msx2.txt",
        "FMNT-M_BW532/S0N10_iR532_Probe_100_30000msx3.txt",
        "FMNT-M_BW532/S0P10_iR532_Probe_100_60000msx2.txt",
        "FMNT-M_BW532/S1N10_iR532_Probe_100_22000msx2.txt",
        "FMNT-M_BW532/Sil10_iR532_Probe_100_60000msx2.txt",
      ],
      polystyrene: "FMNT-M_BW532/PST10_iR532_Probe_100_3000msx7.txt",
      calcite: [
        "FMNT-M_BW532/nCAL10_iR532_Probe_100_2500msx3.txt",
        "FMNT-M_BW532/sCAL10_iR532_Probe_100_3200msx4.txt",
      ], excitationNanometres: nil,
      srm: "FMNT-M_BW532/NIST532_Probe_3000msx8_1.txt", srmStandard: .srm2242a),
    Setup(
      name: "FMNT-M_Ho785 OP01", neon: "FMNT-M_Ho785/NeonSNQ043_iR785_OP01.txt",
      silicon: "FMNT-M_Ho785/Sil10_iR785_OP01_6000msx4.txt",
      siliconWafers: [
        "FMNT-M_Ho785/S0B10_iR785_OP01_6000msx4.txt",
        "FMNT-M_Ho785/S0N10_iR785_OP01_6000msx4.txt",
        "FMNT-M_Ho785/S0P10_iR785_OP01_6000msx4.txt",
        "FMNT-M_Ho785/S1N10_iR785_OP01_6000msx4.txt",
        "FMNT-M_Ho785/Sil10_iR785_OP01_6000msx4.txt",
      ],
      polystyrene: "FMNT-M_Ho785/PST10_iR785_OP01_40000msx4.txt",
      calcite: [
        "FMNT-M_Ho785/nCAL10_iR785_OP01_6000msx4.txt",
        "FMNT-M_Ho785/sCAL10_iR785_OP01_4000msx4.txt",
      ], excitationNanometres: 785,
      srm: "FMNT-M_Ho785/NIST785_Lens_80000x5_2.txt", srmStandard: .srm2241),
    Setup(
      name: "FMNT-M_Ho785 OP02", neon: "FMNT-M_Ho785/NeonSNQ043_iR785_OP02.txt",
      silicon: "FMNT-M_Ho785/Sil10_iR785_OP02_25000msx2.txt",
      siliconWafers: [
        "FMNT-M_Ho785/S0B10_iR785_OP02_25000msx2.txt",
        "FMNT-M_Ho785/S0N10_iR785_OP02_25000msx2.txt",
        "FMNT-M_Ho785/S0P10_iR785_OP02_25000msx2.txt",
        "FMNT-M_Ho785/S1N10_iR785_OP02_25000msx2.txt",
        "FMNT-M_Ho785/Sil10_iR785_OP02_25000msx2.txt",
      ],
      polystyrene: "FMNT-M_Ho785/PST10_iR785_OP02_50000msx2.txt",
      calcite: [
        "FMNT-M_Ho785/nCAL10_iR785_OP02_20000msx2.txt",
        "FMNT-M_Ho785/sCAL10_iR785_OP02_15000msx2.txt",
      ], excitationNanometres: 785,
      srm: "FMNT-M_Ho785/NIST785_Lens_80000x5_2.txt", srmStandard: .srm2241),
    Setup(
      name: "FMNT-M_Ho785 OP03", neon: "FMNT-M_Ho785/NeonSNQ043_iR785_OP03.txt",
      silicon: "FMNT-M_Ho785/Sil10_iR785_OP03_8000msx2.txt",
      siliconWafers: [
        "FMNT-M_Ho785/S0B10_iR785_OP03_8000msx2.txt",
        "FMNT-M_Ho785/S0N10_iR785_OP03_8000msx2.txt",
        "FMNT-M_Ho785/S0P10_iR785_OP03_8000msx2.txt",
        "FMNT-M_Ho785/S1N10_iR785_OP03_8000msx2.txt",
        "FMNT-M_Ho785/Sil10_iR785_OP03_8000msx2.txt",
      ],
      polystyrene: "FMNT-M_Ho785/PST10_iR785_OP03_8000msx2.txt",
      calcite: [
        "FMNT-M_Ho785/nCAL10_iR785_OP03_8000msx2.txt",
        "FMNT-M_Ho785/sCAL10_iR785_OP03_8000msx2.txt",
      ], excitationNanometres: 785,
      srm: "FMNT-M_Ho785/NIST785_Lens_80000x5_2.txt", srmStandard: .srm2241),
    Setup(
      name: "ICV_BW532 Z050", neon: "ICV_BW532/Ne_532nm_x50_800ms.txt",
      silicon: "ICV_BW532/S0B02_iRPlus532_Z050_100_30000ms.txt",
      siliconWafers: [
        "ICV_BW532/S0B02_iRPlus532_Z050_100_30000ms.txt",
        "ICV_BW532/S0N02_iRPlus532_Z050_100_40000ms.txt",
        "ICV_BW532/S0P02_iRPlus532_Z050_100_30000ms.txt",
        "ICV_BW532/S1N02_iRPlus532_Z050_100_12000ms.txt",
      ],
      polystyrene: "ICV_BW532/PST02_iRPlus532_Z050_100_2500msx5.txt",
      calcite: [
        "ICV_BW532/nCAL02_iRPlus532_Z050_100_9000ms.txt",
        "ICV_BW532/sCAL02_iRPlus532_Z050_100_20000ms.txt",
      ], excitationNanometres: nil,
      srm: "ICV_BW532/NISTSRM2242aC_BW532_100x_800msx10.txt", srmStandard: .srm2242a),
    Setup(
      name: "ICV_BW532 Z100", neon: "ICV_BW532/Ne_532nm_x100_2000ms.txt",
      silicon: "ICV_BW532/S0B02_iRPlus532_Z100_100_22000ms.txt",
      siliconWafers: [
        "ICV_BW532/S0B02_iRPlus532_Z100_100_22000ms.txt",
        "ICV_BW532/S0N02_iRPlus532_Z100_100_28000ms.txt",
        "ICV_BW532/S0P02_iRPlus532_Z100_100_20000ms.txt",
        "ICV_BW532/S1N02_iRPlus532_Z100_100_6500ms.txt",
      ],
      polystyrene: "ICV_BW532/PST02_iRPlus532_Z100_100_50000ms.txt",
      calcite: [
        "ICV_BW532/nCAL02_iRPlus532_Z100_100_30000ms.txt",
        "ICV_BW532/sCAL02_iRPlus532_Z100_100_65000ms.txt",
      ], excitationNanometres: nil,
      srm: "ICV_BW532/NISTSRM2242aC_BW532_100x_800msx10.txt", srmStandard: .srm2242a),
    Setup(
      name: "ICV_BW785 Z100", neon: "ICV_BW785/Ne_785nm_x20_50ms.txt",
      silicon: "ICV_BW785/S0B02_iRPlus785_Z100_100_4700ms.txt",
      siliconWafers: [
        "ICV_BW785/S0B02_iRPlus785_Z100_100_4700ms.txt",
        "ICV_BW785/S0N02_iRPlus785_Z100_100_3100ms.txt",
        "ICV_BW785/S0P02_iRPlus785_Z100_100_4800ms.txt",
        "ICV_BW785/S1N02_iRPlus785_Z100_100_2000ms.txt",
      ],
      polystyrene: "ICV_BW785/PST02_iRPlus785_Z100_100_9000ms.txt",
      calcite: [
        "ICV_BW785/nCAL02_iRPlus785_Z100_100_6000ms.txt",
        "ICV_BW785/sCAL02_iRPlus785_Z100_100_9500ms.txt",
      ], excitationNanometres: nil,
      srm: "ICV_BW785/NISTSRM2241_BW785_100x_25sx5.txt", srmStandard: .srm2241),
    Setup(
      name: "TOP_Ho633", neon: "TOP_Ho633/neon_new2_Z010.txt",
      silicon: "TOP_Ho633/Si_HLR633_Z010_100_40sx5.txt",
      siliconWafers: [
        "TOP_Ho633/S0B_HLR633_Z010_100_40sx5.txt",
        "TOP_Ho633/S0N_HLR633_Z010_100_15sx5.txt",
        "TOP_Ho633/S0P_HLR633_Z010_100_40sx5.txt",
        "TOP_Ho633/S1N_HLR633_Z010_100_10sx5.txt",
        "TOP_Ho633/Si_HLR633_Z010_100_40sx5.txt",
      ],
      polystyrene: "TOP_Ho633/Pol_HLR633_Z010_100_15sx5.txt",
      calcite: [
        "TOP_Ho633/nCAL_HLR633_Z010_100_5sx5.txt",
        "TOP_Ho633/sCAL_HLR633_Z010_100_15sx5.txt",
      ], excitationNanometres: 633),
  ]

  /// Where the datasets are: `scripts/calibration/charisma-data.sh` fetches them on first use.
  public enum Location: Sendable {
    case directory(String)
    /// PyPI could not be reached; the reason, for a skip message.
    case unreachable(String)
  }

  /// Fetches (once) and locates the datasets; throws when the fetch fails for another reason.
  public static func locate(repositoryRoot: String) async throws -> Location {
    let result = try await Subprocess.run(
      URL(fileURLWithPath: "/bin/bash"), [repositoryRoot + "/scripts/calibration/charisma-data.sh"],
      deadline: 600)
    if result.status == 3 { return .unreachable(result.standardError) }
    guard result.status == 0 else {
      throw SubprocessFailure(
        description: "charisma-data.sh failed (\(result.status)): \(result.standardError)")
    }
    return .directory(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// One setup calibrated and checked.
  public struct Outcome: Sendable {
    public var setup: Setup
    public var calibration: WavenumberCalibration
    /// Seconds to read the two files and calibrate.
    public var seconds: Double
    /// Checks on the vendor axis and on the calibrated axis, polystyrene first, then calcite.
    public var before: [StandardCheck]
    public var after: [StandardCheck]

    /// RMS over every band of every check in `checks`.
    public static func rms(_ checks: [StandardCheck]) -> Double {
      let residuals = checks.flatMap { $0.bands.compactMap(\.residual) }
      guard !residuals.isEmpty else { return .nan }
      return (residuals.map { $0 * $0 }.reduce(0, +) / Double(residuals.count)).squareRoot()
    }
  }

  /// Calibrates `setup` from its own neon and silicon (no per-setup settings beyond the laser
  /// wavelength the files do not state) and checks its polystyrene and calcite.
  public static func evaluate(_ setup: Setup, in directory: String) throws -> Outcome {
    let start = ContinuousClock.now
    let neon = try VendorSpectrumReader.read(path: directory + "/" + setup.neon)
    let silicon = try setup.siliconWafers.map {
      try VendorSpectrumReader.read(path: directory + "/" + $0)
    }
    let calibration = try AxisCalibrator.calibrate(
      lamp: neon, silicon: silicon, excitationNanometres: setup.excitationNanometres,
      created: "1970-01-01T00:00:00.000Z")
    let elapsed = ContinuousClock.now - start
    var before: [StandardCheck] = []
    var after: [StandardCheck] = []
    for (file, standard) in [(setup.polystyrene, ReferenceStandard.polystyrene)]
      + setup.calcite.map({ ($0, ReferenceStandard.calcite) })
    {
      var spectrum = try VendorSpectrumReader.read(path: directory + "/" + file)
      if spectrum.statedExcitationNanometres == nil {
        spectrum.statedExcitationNanometres = setup.excitationNanometres
      }
      before.append(StandardCheck(standard: standard, spectrum: spectrum, calibration: nil))
      after.append(StandardCheck(standard: standard, spectrum: spectrum, calibration: calibration))
    }
    let seconds =
      Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Outcome(
      setup: setup, calibration: calibration, seconds: seconds, before: before, after: after)
  }

  /// Max − min across outcomes of each band's measured position (keyed by standard and band),
  /// each outcome contributing the mean over its spectra of that standard.
  public static func crossSetupRanges(_ outcomes: [Outcome], calibrated: Bool) -> [(
    standard: ReferenceStandard, band: Double, range: Double
  )] {
    var positions: [String: (ReferenceStandard, Double, [Double])] = [:]
    for outcome in outcomes {
      var perSetup: [String: (ReferenceStandard, Double, [Double])] = [:]
      for check in calibrated ? outcome.after : outcome.before {
        for band in check.bands {
          guard let measured = band.measured else { continue }
          let key = "\(check.standard.rawValue) \(band.reference)"
          perSetup[key, default: (check.standard, band.reference, [])].2.append(measured)
        }
      }
      for (key, value) in perSetup {
        let mean = value.2.reduce(0, +) / Double(value.2.count)
        positions[key, default: (value.0, value.1, [])].2.append(mean)
      }
    }
    return positions.values.map { ($0.0, $0.1, ($0.2.max() ?? 0) - ($0.2.min() ?? 0)) }
      .sorted { ($0.standard.rawValue, $0.band) < ($1.standard.rawValue, $1.band) }
  }

  /// The reference band with the largest residual (signed, cm⁻¹) in `checks`, named
  /// "standard band"; a zero residual named "-" when none was measured.
  public static func largestResidual(_ checks: [StandardCheck]) -> (residual: Double, band: String)
  {
    var largest = (residual: 0.0, band: "-")
    for check in checks {
      for band in check.bands {
        guard let residual = band.residual, abs(residual) > abs(largest.residual) else {
          continue
        }
        largest = (residual, "\(check.standard.rawValue) \(band.reference)")
      }
    }
    return largest
  }

  /// One setup's relative band areas (polystyrene, then each calcite spectrum), measured and
  /// corrected with the intensity response made from its own SRM spectrum on its calibrated axis.
  public struct IntensityOutcome: Sendable {
    public var setup: Setup
    public var response: IntensityCalibration
    public var areas: [BandIntensities]
  }

  /// The intensity comparison for `setup`, or `nil` when it has no SRM spectrum.
  public static func intensities(of outcome: Outcome, in directory: String) throws
    -> IntensityOutcome?
  {
    let setup = outcome.setup
    guard let srmFile = setup.srm, let standard = setup.srmStandard else { return nil }
    let srm = try VendorSpectrumReader.read(path: directory + "/" + srmFile)
    let response = try IntensityCalibrator.calibrate(
      spectrum: srm, standard: standard, axis: outcome.calibration,
      excitationNanometres: setup.excitationNanometres, created: "1970-01-01T00:00:00.000Z")
    var areas: [BandIntensities] = []
    for (file, kind) in [(setup.polystyrene, ReferenceStandard.polystyrene)]
      + setup.calcite.map({ ($0, ReferenceStandard.calcite) })
    {
      var spectrum = try VendorSpectrumReader.read(path: directory + "/" + file)
      if spectrum.statedExcitationNanometres == nil {
        spectrum.statedExcitationNanometres = setup.excitationNanometres
      }
      if let measured = BandIntensities(
        standard: kind, spectrum: spectrum, axis: outcome.calibration, response: response)
      {
        areas.append(measured)
      }
    }
    return IntensityOutcome(setup: setup, response: response, areas: areas)
  }

  /// How much one band ratio varies across the setups of one laser line.
  public struct RatioSpread: Sendable {
    /// Laser line, nm; the ratio's name (band ÷ reference band).
    public var laserNanometres: Double
    public var ratio: String
    /// The setups compared.
    public var setups: Int
    /// Coefficient of variation across setups (sample standard deviation ÷ mean), per cent,
    /// measured and corrected.
    public var measuredCV: Double
    public var correctedCV: Double
  }

  /// The spread of each band ratio across the setups of each laser line; a setup contributes
  /// the mean of its spectra of the standard.
  public static func ratioSpreads(_ outcomes: [IntensityOutcome]) -> [RatioSpread] {
    var values: [String: (laser: Double, measured: [Double], corrected: [Double])] = [:]
    for outcome in outcomes {
      let laser = outcome.response.standard.excitationNanometres
      var perSetup: [String: (measured: [Double], corrected: [Double])] = [:]
      for areas in outcome.areas {
        for row in areas.rows {
          guard let measured = row.measured, let corrected = row.corrected else { continue }
          let name =
            "\(areas.standard.rawValue) \(row.band)/\(areas.referenceBand)"
          perSetup[name, default: ([], [])].measured.append(measured)
          perSetup[name, default: ([], [])].corrected.append(corrected)
        }
      }
      for (name, pair) in perSetup {
        let key = "\(laser) \(name)"
        values[key, default: (laser, [], [])].measured.append(mean(pair.measured))
        values[key, default: (laser, [], [])].corrected.append(mean(pair.corrected))
      }
    }
    return values.map { key, value in
      RatioSpread(
        laserNanometres: value.laser,
        ratio: String(key.split(separator: " ", maxSplits: 1)[1]), setups: value.measured.count,
        measuredCV: coefficientOfVariation(value.measured),
        correctedCV: coefficientOfVariation(value.corrected))
    }.sorted { ($0.laserNanometres, $0.ratio) < ($1.laserNanometres, $1.ratio) }
  }

  static func mean(_ values: [Double]) -> Double {
    values.reduce(0, +) / Double(max(values.count, 1))
  }

  /// Sample standard deviation ÷ mean, per cent; NaN for fewer than two values.
  static func coefficientOfVariation(_ values: [Double]) -> Double {
    guard values.count >= 2 else { return .nan }
    let average = mean(values)
    let variance =
      values.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(values.count - 1)
    return 100 * variance.squareRoot() / average
  }
}
