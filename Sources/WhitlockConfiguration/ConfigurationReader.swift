import WhitlockTOML

/// Reads typed values out of one TOML table and refuses keys nobody asked for.
///
/// Every accessor records the key as known; `finish()` then reports the first unknown key with a
/// suggestion, so a misspelt `exposure_sec` is an error rather than a silently ignored setting.
package struct ConfigurationReader {
  package let table: TOMLTable
  package let path: String
  package let file: String
  private var known: [String] = []

  package init(table: TOMLTable, path: String, file: String) {
    self.table = table
    self.path = path
    self.file = file
  }

  package func keyPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

  package func error(_ key: String, _ message: String, line: Int? = nil) -> ConfigurationError {
    ConfigurationError(
      file: file, line: line ?? table[key]?.line ?? table.line, key: keyPath(key), message: message)
  }

  private mutating func entry(_ key: String) -> TOMLEntry? {
    known.append(key)
    return table[key]
  }

  package mutating func string(_ key: String, default value: String? = nil)
    throws(ConfigurationError)
    -> String
  {
    guard let entry = entry(key) else {
      if let value { return value }
      throw error(key, "required key is missing")
    }
    guard let text = entry.value.stringValue else {
      throw error(key, "expected a string, got \(entry.value.typeName)")
    }
    return text
  }

  package mutating func optionalString(_ key: String) throws(ConfigurationError) -> String? {
    guard let entry = entry(key) else { return nil }
    guard let text = entry.value.stringValue else {
      throw error(key, "expected a string, got \(entry.value.typeName)")
    }
    return text
  }

  /// An array of strings, each at most `maximumLength` bytes; `[]` when the key is absent.
  package mutating func stringArray(_ key: String, maximumLength: Int = 255)
    throws(ConfigurationError)
    -> [String]
  {
    guard let entry = entry(key) else { return [] }
    guard let values = entry.value.arrayValue else {
      throw error(key, "expected an array of strings, got \(entry.value.typeName)")
    }
    var strings: [String] = []
    for (index, value) in values.enumerated() {
      guard let text = value.stringValue, (1...maximumLength).contains(text.utf8.count) else {
        throw error(
          key,
          "element \(index) must be a string of 1–\(maximumLength) bytes, got \(value.typeName)")
      }
      strings.append(text)
    }
    return strings
  }

  /// An array of `count` finite numbers, each of magnitude at most `magnitude`.
  package mutating func numberArray(_ key: String, count: ClosedRange<Int>, magnitude: Double)
    throws(ConfigurationError) -> [Double]
  {
    guard let entry = entry(key) else { throw error(key, "required key is missing") }
    guard let values = entry.value.arrayValue, count.contains(values.count) else {
      throw error(
        key,
        "expected an array of \(count.lowerBound)–\(count.upperBound) numbers, got \(entry.value.typeName)"
      )
    }
    var numbers: [Double] = []
    for (index, value) in values.enumerated() {
      guard let number = value.numberValue, number.isFinite, abs(number) <= magnitude else {
        throw error(
          key, "element \(index) must be a number within ±\(magnitude), got \(value.typeName)")
      }
      numbers.append(number)
    }
    return numbers
  }

  package mutating func choice<Choice: RawRepresentable & CaseIterable>(
    _ key: String, default value: Choice? = nil
  ) throws(ConfigurationError) -> Choice where Choice.RawValue == String {
    let text = try string(key, default: value?.rawValue)
    guard let parsed = Choice(rawValue: text) else {
      let options = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
      throw error(key, "\"\(text)\" is not one of \(options)")
    }
    return parsed
  }

  package mutating func number(
    _ key: String, default value: Double, in range: ClosedRange<Double>, unit: String = ""
  ) throws(ConfigurationError) -> Double {
    guard let entry = entry(key) else { return value }
    guard let number = entry.value.numberValue else {
      throw error(key, "expected a number, got \(entry.value.typeName)")
    }
    guard number.isFinite, range.contains(number) else {
      let suffix = unit.isEmpty ? "" : " " + unit
      throw error(
        key, "\(number)\(suffix) is outside \(range.lowerBound)…\(range.upperBound)\(suffix)")
    }
    return number
  }

  /// A number where 0 turns the feature off (nil), e.g. a spacing a spectrum is binned to.
  package mutating func numberOrOff(
    _ key: String, default value: Double?, in range: ClosedRange<Double>, unit: String = ""
  ) throws(ConfigurationError) -> Double? {
    let number = try number(key, default: value ?? 0, in: range, unit: unit)
    return number > 0 ? number : nil
  }

  package mutating func optionalNumber(_ key: String, in range: ClosedRange<Double>)
    throws(ConfigurationError) -> Double?
  {
    guard table[key] != nil else {
      known.append(key)
      return nil
    }
    return try number(key, default: range.lowerBound, in: range)
  }

  package mutating func integer(_ key: String, default value: Int, in range: ClosedRange<Int>)
    throws(ConfigurationError) -> Int
  {
    guard let entry = entry(key) else { return value }
    guard let number = entry.value.integerValue else {
      throw error(key, "expected an integer, got \(entry.value.typeName)")
    }
    guard number >= Int64(range.lowerBound), number <= Int64(range.upperBound) else {
      throw error(key, "\(number) is outside \(range.lowerBound)…\(range.upperBound)")
    }
    return Int(number)
  }

  package mutating func boolean(_ key: String, default value: Bool) throws(ConfigurationError)
    -> Bool
  {
    guard let entry = entry(key) else { return value }
    guard let flag = entry.value.boolValue else {
      throw error(key, "expected true or false, got \(entry.value.typeName)")
    }
    return flag
  }

  /// A sub-table, read by its own reader; an empty one when absent.
  package mutating func table(_ key: String) throws(ConfigurationError) -> ConfigurationReader {
    guard let entry = entry(key) else {
      return ConfigurationReader(
        table: TOMLTable(entries: [], line: table.line, column: 1), path: keyPath(key), file: file)
    }
    guard let sub = entry.value.tableValue else {
      throw error(key, "expected a table, got \(entry.value.typeName)")
    }
    return ConfigurationReader(table: sub, path: keyPath(key), file: file)
  }

  /// An array of tables (`[[key]]`), each with its own reader.
  package mutating func tables(_ key: String) throws(ConfigurationError) -> [ConfigurationReader] {
    guard let entry = entry(key) else { return [] }
    guard let items = entry.value.arrayValue else {
      throw error(key, "expected an array of tables ([[\(key)]]), got \(entry.value.typeName)")
    }
    var readers: [ConfigurationReader] = []
    for (index, item) in items.enumerated() {
      guard let sub = item.tableValue else {
        throw error(key, "item \(index) is a \(item.typeName), expected a table", line: item.line)
      }
      readers.append(ConfigurationReader(table: sub, path: keyPath(key) + "[\(index)]", file: file))
    }
    return readers
  }

  /// Fails on the first key that no accessor asked for.
  package func finish() throws(ConfigurationError) {
    for entry in table.entries where !known.contains(entry.key) {
      var message = "unknown key"
      if let suggestion = Self.closest(to: entry.key, in: known) {
        message += " (did you mean \"\(suggestion)\"?)"
      } else if !known.isEmpty {
        message += "; known keys here: " + known.joined(separator: ", ")
      }
      throw error(entry.key, message, line: entry.line)
    }
  }

  private static func closest(to key: String, in candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(key, $0)) }.min { $0.1 < $1.1 }
    guard let (best, distance) = scored, distance <= max(2, key.count / 3) else { return nil }
    return best
  }

  private static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        current[j] = min(
          previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}
