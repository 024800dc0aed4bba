import Foundation

/// Unbuffered line output, so a parent process sees every line as soon as it happens.
enum SimulatorOutput {
  static func line(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
  }

  static func error(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}
