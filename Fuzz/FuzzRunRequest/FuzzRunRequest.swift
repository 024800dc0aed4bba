// libFuzzer target: the monitor's run-control request parser (POST /api/v1/run bodies) must
// accept only valid requests, never crash, and never accept an unsafe sample id.
import FuzzSupport
import Monitor

@_cdecl("fuzz_run_request_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runLibFuzzer(argc, argv) { bytes in
    guard let request = try? RunRequest.parse(bytes) else { return }
    guard RunRequest.isSafeIdentifier(request.sampleID) else {
      fatalError("accepted an unsafe sample id: \(request.sampleID.debugDescription)")
    }
    if let point = request.pointID, !RunRequest.isSafeIdentifier(point) {
      fatalError("accepted an unsafe point id: \(point.debugDescription)")
    }
  }
}
