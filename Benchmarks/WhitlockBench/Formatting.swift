/// Fixed-point formatting without Foundation's locale machinery.
func format(_ value: Double, _ decimals: Int = 3) -> String {
  guard value.isFinite else { return "n/a" }
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  let rounded = (abs(value) * scale).rounded()
  let whole = Int(rounded / scale)
  let fraction = Int(rounded - Double(whole) * scale)
  var digits = String(fraction)
  while digits.count < decimals { digits = "0" + digits }
  return (value < 0 && rounded > 0 ? "-" : "") + String(whole) + (decimals > 0 ? "." + digits : "")
}
