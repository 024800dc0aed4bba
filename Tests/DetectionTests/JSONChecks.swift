import WhitlockCore

/// Every number in `value` is finite (NaN and infinity would be invalid JSON).
func allNumbersFinite(_ value: JSONValue) -> Bool {
  switch value {
  case .double(let number): return number.isFinite
  case .array(let items): return items.allSatisfy(allNumbersFinite)
  case .object(let members): return members.allSatisfy { allNumbersFinite($0.1) }
  default: return true
  }
}

/// The bytes the record writer produces for `value`.
func serialised(_ value: JSONValue) -> [UInt8] {
  var writer = JSONWriter()
  writer.value(value)
  return writer.bytes
}

/// Whether `value` serialises to valid JSON that parses back to the same text (integral doubles
/// come back as integers, so texts rather than values are compared).
func roundTrips(_ value: JSONValue) throws -> Bool {
  let bytes = serialised(value)
  return serialised(try JSONParser.parse(bytes)) == bytes
}
