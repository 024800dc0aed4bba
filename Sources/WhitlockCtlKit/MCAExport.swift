import Records
import WhitlockCore

/// Writes an XRF acquisition record as an Amptek `.mca` text file, the format of Amptek's DPPMCA
/// that PyMca and other tools read: a `<<PMCA SPECTRUM>>` header of `KEY - value` lines, a
/// `<<CALIBRATION>>` of channel/energy pairs, counts one per line between `<<DATA>>` and
/// `<<END>>`, then the `<<DP5 CONFIGURATION>>` commands and the `<<DPP STATUS>>` read-back.
/// (Section and key names as in files written by DPPMCA, e.g. the sample in Dih5/mcareader.)
public enum MCAExport {
  /// Why a record cannot be exported.
  public struct Failure: Error, CustomStringConvertible, Equatable {
    /// What is wrong with the record.
    public var description: String
  }

  /// The file name of record `seq`'s export, `INSTRUMENT-seqSEQ.mca`, built only from validated
  /// parts: a spool segment is data from outside (anyone in group whitlockd may drop one into
  /// `new/`), so an `instrument.id` such as `../../etc/x` must never become part of a path.
  public static func fileName(for record: AcquisitionRecord) throws(Failure) -> String {
    let id = record.header.instrument.id
    let seq = record.header.seq
    guard InstrumentIDRule.isValid(id) else {
      throw Failure(
        description:
          "instrument.id \(InstrumentIDRule.quoted(id)) \(InstrumentIDRule.explanation); "
          + "not exported")
    }
    return "\(id)-seq\(seq).mca"
  }

  /// The `.mca` text of one acquisition record.
  public static func render(_ record: AcquisitionRecord) throws(Failure) -> String {
    guard record.header.instrument.kind == .xrf else {
      throw Failure(description: "record is not an XRF acquisition")
    }
    let values = record.counts
    // The DP5's read-backs are driver parameters: free-form by design (`AmptekDP5Instrument`).
    func number(_ key: String) -> Double? { record.parameter(key)?.doubleValue }
    func text(_ key: String) -> String? { record.parameter(key)?.stringValue }

    let exposure = record.exposure.exposureSeconds
    let accumulation = number("accumulation_time_s") ?? exposure
    let real = number("real_time_s") ?? accumulation
    let seq = String(record.header.seq)
    let id = record.header.instrument.id
    let serial = record.header.instrument.serial.isEmpty ? "0" : record.header.instrument.serial
    var lines = [
      "<<PMCA SPECTRUM>>",
      "TAG - live_data",
      "DESCRIPTION - whitlockd \(id) seq \(seq)",
      "GAIN - \(text("gain") ?? "0")",
      "THRESHOLD - 0",
      "LIVE_MODE - 0",
      "PRESET_TIME - \(format(number("preset_time_s") ?? exposure))",
      "LIVE_TIME - \(format(number("live_time_s") ?? accumulation))",
      "REAL_TIME - \(format(real))",
      "START_TIME - \(startTime(record.exposure.started))",
      "SERIAL_NUMBER - \(serial)",
    ]
    if case .linearEnergy(let gain, let offset) = record.axis {
      let last = values.count - 1
      lines += [
        "<<CALIBRATION>>", "LABEL - keV", "0 \(format(offset))",
        "\(last) \(format(offset + gain * Double(last)))",
      ]
    }
    lines.append("<<DATA>>")
    for value in values { lines.append(String(value)) }
    lines.append("<<END>>")
    if let configuration = text("configuration"), !configuration.isEmpty {
      lines.append("<<DP5 CONFIGURATION>>")
      for command in configuration.split(separator: ";") { lines.append(command + ";") }
      lines.append("<<DP5 CONFIGURATION END>>")
    }
    lines.append("<<DPP STATUS>>")
    lines.append("Device Type: \((text("device_type") ?? "unknown").uppercased())")
    lines.append("Serial Number: \(serial)")
    if let firmware = text("firmware") {
      let parts = firmware.split(separator: " ")
      let build = parts.count == 3 ? "  Build:  \(parts[2])" : ""
      lines.append("Firmware: \(parts.first ?? "")\(build)")
    }
    if let fpga = text("fpga") { lines.append("FPGA: \(fpga)") }
    for (label, key) in [
      ("Fast Count", "fast_count"), ("Slow Count", "slow_count"), ("GP Count", "gp_count"),
    ] {
      if let value = number(key) { lines.append("\(label): \(Int64(value))") }
    }
    lines.append("Accumulation Time: \(format(accumulation))")
    lines.append("Real Time: \(format(real))")
    if let dead = number("dead_time_fraction") {
      lines.append("Dead Time: \(format(dead * 100))%")
    }
    if let volts = number("high_voltage_v") { lines.append("HV Volt: \(format(volts))V") }
    if let kelvin = number("detector_temperature_k") {
      lines.append("TEC Temp: \(format(kelvin))K")
    }
    if let board = number("board_temperature_c") { lines.append("Board Temp: \(Int64(board))°C") }
    lines.append("<<DPP STATUS END>>")
    return lines.joined(separator: "\r\n") + "\r\n"
  }

  /// A decimal with up to six fractional digits and no exponent.
  static func format(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let scaled = (value * 1_000_000).rounded()
    let negative = scaled < 0
    let magnitude = Int64(abs(scaled))
    var fraction = String(magnitude % 1_000_000)
    while fraction.count < 6 { fraction = "0" + fraction }
    while fraction.count > 1, fraction.hasSuffix("0") { fraction.removeLast() }
    return (negative ? "-" : "") + "\(magnitude / 1_000_000).\(fraction)"
  }

  /// `MM/DD/YYYY HH:MM:SS` (UTC) from a record's ISO 8601 timestamp.
  static func startTime(_ iso: String?) -> String {
    guard let iso, iso.count >= 19 else { return "01/01/1970 00:00:00" }
    let characters = Array(iso)
    let year = String(characters[0..<4])
    let month = String(characters[5..<7])
    let day = String(characters[8..<10])
    let time = String(characters[11..<19])
    return "\(month)/\(day)/\(year) \(time)"
  }
}
