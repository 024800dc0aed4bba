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

  /// The first of `base`, `base_2`, `base_3`, … that, with each of `suffixes` appended, names
  /// nothing in `taken`, so two ids that differ only in characters `make` replaces (`raman-sim`
  /// and `raman_sim`), or an id that is already an entry's member (`sample`), get groups of
  /// their own.
  static func unique(_ base: String, suffixes: [String] = [""], taken: Set<String>) -> String {
    var candidate = base
    var number = 2
    while suffixes.contains(where: { taken.contains(candidate + $0) }) {
      candidate = "\(base)_\(number)"
      number += 1
    }
    return candidate
  }
}
