import HTTPTypes
import Hummingbird
import WhitlockCore

/// What `POST /api/v1/instruments/ID/calibration` asks for.
public struct AxisCalibrationRequest: Sendable, Equatable {
  /// The lamp whose lines fix the wavelength axis (`neon` or `argon`).
  public var lamp: CalibrationTarget = .neon
  /// The silicon band position the laser is zeroed on, cm⁻¹.
  public var siliconReferenceCm1 = 520.45
  /// A standard measured after the calibration to verify it, `nil` for none.
  public var verify: CalibrationTarget?
  /// The largest RMS residual (cm⁻¹) over the standard's bands a calibration may keep.
  public var maximumResidualCm1 = 1.0

  public init() {}

  /// Parses a JSON body (empty: the defaults); every error names the member at fault.
  public static func parse(_ body: [UInt8]) throws(ControlRefusal) -> AxisCalibrationRequest {
    var request = AxisCalibrationRequest()
    if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
      return request
    }
    let value: JSONValue
    do { value = try JSONParser.parse(body) } catch {
      throw ControlRefusal("body is not JSON: \(error)")
    }
    guard case .object(let members) = value else {
      throw ControlRefusal("body must be a JSON object")
    }
    let lamps = CalibrationTarget.allCases.filter(\.isLamp).map(\.rawValue)
    let standards = CalibrationTarget.allCases.filter { !$0.isLamp }.map(\.rawValue)
    for (key, member) in members {
      switch key {
      case "lamp":
        guard let name = member.stringValue, let lamp = CalibrationTarget(rawValue: name),
          lamp.isLamp
        else {
          throw ControlRefusal("lamp must be one of \(lamps.joined(separator: ", "))")
        }
        request.lamp = lamp
      case "silicon_reference_cm1":
        guard let number = member.doubleValue, (500...540).contains(number) else {
          throw ControlRefusal("silicon_reference_cm1 must be a number within 500…540")
        }
        request.siliconReferenceCm1 = number
      case "verify":
        if member == .null { continue }
        guard let name = member.stringValue, let standard = CalibrationTarget(rawValue: name),
          !standard.isLamp
        else {
          throw ControlRefusal("verify must be one of \(standards.joined(separator: ", "))")
        }
        request.verify = standard
      case "max_residual_cm1":
        guard let number = member.doubleValue, number > 0, number <= 50 else {
          throw ControlRefusal("max_residual_cm1 must be a number in (0, 50]")
        }
        request.maximumResidualCm1 = number
      default:
        throw ControlRefusal(
          "unknown member \(key) (the body takes lamp, silicon_reference_cm1, verify, "
            + "max_residual_cm1)")
      }
    }
    return request
  }
}

extension MonitorRoutes {
  /// `POST /api/v1/instruments/ID/calibration`, body `{"lamp": "neon", "verify":
  /// "polystyrene", "silicon_reference_cm1": 520.45, "max_residual_cm1": 1}` (every member
  /// optional): acquires the lamp, silicon and the verification standard between two spectra,
  /// computes and verifies the axis calibration and answers 201 with it in force, 400 for a bad
  /// body, 404 for an unknown instrument and 409 when it is refused (the reason named; the
  /// previous calibration stays in force) or cannot be taken now.
  func calibrationRoute(_ request: Request, instrumentID: String) async -> Response {
    let body: [UInt8]
    switch await Self.collectBody(request) {
    case .success(let bytes): body = bytes
    case .failure(let refusal): return refusal.response
    }
    let calibration: AxisCalibrationRequest
    do { calibration = try AxisCalibrationRequest.parse(body) } catch {
      return Self.error(.badRequest, error.description)
    }
    do {
      return Self.json(
        .created, try await backend.calibrateAxis(instrumentID: instrumentID, calibration))
    } catch let refusal as ControlRefusal {
      return Self.error(refusal.notFound ? .notFound : .conflict, refusal.description)
    } catch {
      return Self.error(.conflict, "\(error)")
    }
  }
}
