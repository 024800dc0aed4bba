/// One part of a (possibly dotted) key as written, with its position, e.g. `simulation` in
/// `[instrument.simulation]`.
struct KeyComponent {
  /// The key part, unquoted and with escapes resolved.
  let name: String
  /// Where the part (or its opening quote) starts.
  let position: SourcePosition

  /// The key as a user would write it: bare when possible, otherwise in double quotes.
  static func display(_ name: String) -> String {
    if !name.isEmpty && name.utf8.allSatisfy(ASCII.isBareKey) { return name }
    var quoted = "\""
    for scalar in name.unicodeScalars {
      switch scalar {
      case "\"": quoted += "\\\""
      case "\\": quoted += "\\\\"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F:
        let hex = String(scalar.value, radix: 16, uppercase: true)
        quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: quoted.unicodeScalars.append(scalar)
      }
    }
    return quoted + "\""
  }

  /// The dotted path of `name` inside a table whose path is `parent` ("" for the root).
  static func path(_ parent: String, _ name: String) -> String {
    parent.isEmpty ? display(name) : parent + "." + display(name)
  }
}
