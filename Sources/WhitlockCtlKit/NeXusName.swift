/// Group and field names that follow the NeXus naming rule (letters, digits and `_`).
enum NeXusName {
  /// `text` with every other character replaced by `_` (`raman-sim` → `raman_sim`).
  static func make(_ text: String) -> String {
    let scalars = text.unicodeScalars.map { scalar -> Character in
      let value = scalar.value
      let allowed =
        (0x30...0x39).contains(value) || (0x41...0x5A).contains(value)
        || (0x61...0x7A).contains(value) || value == 0x5F
      return allowed ? Character(scalar) : "_"
    }
    return scalars.isEmpty ? "_" : String(scalars)
  }
}
