// A test-only OBP spectrometer on standard input and output, for driving the OBP device emulation
// with third-party code (python-seabreeze) over a pseudo-terminal the test script creates.
//
//   OBPEmulatorTool MODEL SERIAL SEED [--checksums]
//
// Prints one JSON line to standard error with the device's serial, pixel count and wavelength
// coefficients (as float32 values), then serves OBP until standard input closes.
import Foundation
import Simulation
import WhitlockCore

let arguments = CommandLine.arguments
guard arguments.count >= 4,
  let model = EmulatedOceanModel.all.first(where: { $0.name == arguments[1] && $0.isOBP }),
  let seed = UInt64(arguments[3])
else {
  FileHandle.standardError.write(
    Data("usage: OBPEmulatorTool QEPRO|STS SERIAL SEED [--checksums]\n".utf8))
  exit(64)
}
var settings = EmulatedSpectrometerSettings(seed: seed, serial: arguments[2])
settings.checksums = arguments.contains("--checksums")
let device = OBPDeviceEmulator(model: model, settings: settings)

let coefficients = device.wavelengthCoefficients.map { JSONValue.number(Double(Float($0))) }
let banner = JSONValue.object([
  ("serial", .string(settings.serial)), ("pixels", .int(Int64(model.pixelCount))),
  ("coefficients", .array(coefficients)),
])
var writer = JSONWriter()
writer.value(banner)
FileHandle.standardError.write(Data(writer.bytes + [0x0A]))

let reader = Thread {
  var buffer = [UInt8](repeating: 0, count: 4096)
  while true {
    let count = read(0, &buffer, buffer.count)
    if count <= 0 { exit(0) }
    device.receive(Array(buffer[0..<count]))
  }
}
reader.start()

while true {
  let bytes = try await device.output.read(maxCount: 65536, deadline: .now + .seconds(3600))
  var offset = 0
  while offset < bytes.count {
    let written = bytes[offset...].withUnsafeBufferPointer { write(1, $0.baseAddress, $0.count) }
    if written <= 0 { exit(0) }
    offset += written
  }
}
