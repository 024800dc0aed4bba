/// Typed views of a value, so configuration code can match on the type it expects and report the
/// type it got when the view is nil.
extension TOMLValue {
  /// The string, or nil when the value is not a string.
  public var stringValue: String? {
    if case .string(let value) = kind { value } else { nil }
  }

  /// The integer, or nil when the value is not an integer.
  public var integerValue: Int64? {
    if case .integer(let value) = kind { value } else { nil }
  }

  /// The float, or nil when the value is not a float (integers are not converted; see
  /// `numberValue`).
  public var floatValue: Double? {
    if case .float(let value) = kind { value } else { nil }
  }

  /// The value as a Double when it is a float or an integer, since users write `5` where `5.0`
  /// is meant; nil for every other type.
  public var numberValue: Double? {
    switch kind {
    case .float(let value): value
    case .integer(let value): Double(value)
    default: nil
    }
  }

  /// The boolean, or nil when the value is not a boolean.
  public var boolValue: Bool? {
    if case .boolean(let value) = kind { value } else { nil }
  }

  /// The date-time text, or nil when the value is not a date-time.
  public var datetimeValue: String? {
    if case .datetime(let value) = kind { value } else { nil }
  }

  /// The elements, or nil when the value is not an array.
  public var arrayValue: [TOMLValue]? {
    if case .array(let value) = kind { value } else { nil }
  }

  /// The table, or nil when the value is not a table.
  public var tableValue: TOMLTable? {
    if case .table(let value) = kind { value } else { nil }
  }
}
