import ArgumentParser
import Foundation
import OceanInsight
import Simulation
import Transports
import WhitlockCore

/// `whitlock-sim obp`: an Ocean Insight OBP spectrometer (QE Pro, STS) on a pseudo-terminal.
struct OBPCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "obp",
    abstract: "Serve a simulated Ocean Insight OBP spectrometer on a pseudo-terminal.",
    discussion: """
      Creates a pseudo-terminal, keeps a symlink to it at --link, prints the device's serial,
      pixel count and wavelength coefficients as one JSON line, and answers the Ocean Binary
      Protocol until killed. Spectra come from the shared physical Raman model (fluorescence,
      tissue bands, HAP/whitlockite/ACP/carbonate/oxalate bands, noise, cosmic rays) of a sample
      whose composition changes from point to point. Replies nobody reads stay in the line, as on
      a real device, so a client killed mid-transfer leaves them for the next one.

      For fault tests it prints `obp-sim: spectrum requested` for every spectrum request it
      receives and `obp-sim: spectrum N served` once an intact spectrum reply (footer and, with
      --checksums, MD5 correct) has been written to the line; N is the spectrum counter the QE
      Pro carries in its metadata (for the STS, a count of spectra served).
      """)

  @Option(help: "Where to keep the symlink to the pseudo-terminal.")
  var link: String

  @Option(help: "Model: QEPRO or STS.")
  var model = "QEPRO"

  @Option(help: "Serial number the device reports.")
  var serial = "QEP00042"

  @Option(help: "Seed of the sample schedule and noise.")
  var seed: UInt64 = 1

  @Option(help: "Spectra per simulated measurement point.")
  var acquisitionsPerPoint = 5

  @Option(help: "Fraction of the integration time actually waited (1 = real time).")
  var pacing = 0.0

  @Flag(help: "Send MD5 checksums in replies.")
  var checksums = false

  @Option(help: "Garbage before every n-th reply (0: never).")
  var garbageEvery = 0

  @Option(help: "Corrupt every n-th reply (0: never).")
  var corruptEvery = 0

  @Option(help: "NACK every n-th request (0: never).")
  var nackEvery = 0

  @Option(help: "Never answer every n-th request (0: never).")
  var stallEvery = 0

  @Option(
    help: """
      Hang after serving this many spectra: keep reading requests, answer none (0: never).       A spectrum request is then certainly in flight, which tests of a stop mid-exposure need.
      """)
  var hangAfterSpectra = 0

  func validate() throws {
    guard EmulatedOceanModel.all.contains(where: { $0.name == model && $0.isOBP }) else {
      let names = EmulatedOceanModel.all.filter(\.isOBP).map(\.name).joined(separator: ", ")
      throw ValidationError("--model \(model) is not an OBP model (\(names))")
    }
  }

  func run() async throws {
    guard let emulated = EmulatedOceanModel.all.first(where: { $0.name == model && $0.isOBP })
    else { throw ValidationError("unknown model \(model)") }
    var settings = EmulatedSpectrometerSettings(seed: seed, serial: serial)
    settings.acquisitionsPerPoint = acquisitionsPerPoint
    settings.pacing = pacing
    settings.checksums = checksums
    settings.faults.garbageEvery = garbageEvery
    settings.faults.corruptEvery = corruptEvery
    settings.faults.nackEvery = nackEvery
    settings.faults.stallEvery = stallEvery
    let device = OBPDeviceEmulator(model: emulated, settings: settings)
    let deviceLink = DeviceLink(path: link)
    let stop = StopSignals.install { deviceLink.remove() }
    defer { stop.forEach { $0.cancel() } }
    let pty = try PseudoTerminal()
    try deviceLink.point(to: pty.devicePath)
    let banner = JSONValue.object([
      ("device", .string("obp")), ("model", .string(emulated.name)), ("serial", .string(serial)),
      ("pixels", .int(Int64(emulated.pixelCount))), ("path", .string(pty.devicePath)),
      ("link", .string(link)),
      ("coefficients", .array(device.wavelengthCoefficients.map { .number(Double(Float($0))) })),
    ])
    var writer = JSONWriter()
    writer.value(banner)
    SimulatorOutput.line(String(decoding: writer.bytes, as: UTF8.self))
    // One loop, as a device's firmware would: take what the host sent, then send every reply
    // that is ready. Replies are written whether or not anybody reads them.
    let spectrumType: UInt32 = emulated.readout == .obpWords ? 0x0010_1100 : 0x0010_0928
    var requestsSeen = 0
    var served: UInt64 = 0
    while !Task.isCancelled {
      if let bytes = try? await pty.read(maxCount: 4096, deadline: .now + .milliseconds(20)) {
        device.receive(bytes)
        let log = device.requestLog
        for type in log[requestsSeen...] where type == spectrumType {
          SimulatorOutput.line("obp-sim: spectrum requested")
        }
        requestsSeen = log.count
      }
      while let reply = try? await device.output.read(
        maxCount: 65_536, deadline: .now + .milliseconds(2))
      {
        if hangAfterSpectra > 0 && served >= UInt64(hangAfterSpectra) { continue }
        try await pty.write(reply, deadline: .now + .seconds(30))
        if let counter = Self.intactSpectrum(reply, type: spectrumType) {
          served += 1
          SimulatorOutput.line("obp-sim: spectrum \(counter ?? served) served")
        }
      }
    }
  }

  /// When `reply` is one whole, intact spectrum message of `type` (start bytes and protocol
  /// version, no error, correct footer and, if it carries one, MD5): its metadata spectrum
  /// counter, or `.some(nil)` for a model without metadata. `nil` for anything else: other
  /// replies, garbage, NACKs and replies the fault injection corrupted.
  static func intactSpectrum(_ reply: [UInt8], type: UInt32) -> UInt64?? {
    let count = reply.count
    guard count >= 64, reply[0..<4] == [0xC1, 0xC0, 0x00, 0x11],
      Self.le32(reply, 8) == type,
      reply[6] == 0 && reply[7] == 0,
      Array(reply[(count - 4)...]) == [0xC5, 0xC4, 0xC3, 0xC2],
      Int(Self.le32(reply, 40)) == count - 44
    else { return nil }
    if reply[22] == 1,
      MD5.digest(Array(reply[..<(count - 20)])) != Array(reply[(count - 20)..<(count - 4)])
    {
      return nil
    }
    guard type == 0x0010_0928 else { return .some(nil) }
    return .some(UInt64(Self.le32(reply, 44)))
  }

  private static func le32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
  }
}
