import WhitlockCore

extension WasatchInstrument {
  /// Switches off the laser of the Wasatch device behind `device` and reads its state back,
  /// sending nothing else: what `whitlockctl laser-off` does after whitlockd stopped, however it
  /// stopped (the unit's `ExecStopPost=`), and what an operator runs by hand. Returns whether the
  /// device reports the laser off; the off request is sent up to three times until it does.
  ///
  /// `productID` tells ARM-based models (0x4000), whose set requests carry a data byte, from
  /// FX2-based ones.
  public static func switchLaserOff(
    _ device: any USBInterface, productID: UInt16, timeout: Duration = .seconds(1)
  ) async throws -> Bool {
    let arm = productID == 0x4000
    for _ in 0..<3 {
      _ = try await control(.setLaserEnable(false, arm: arm), on: device, timeout: timeout)
      let state = try await control(.getLaserEnabled, on: device, timeout: timeout)
      if state.first == 0 { return true }
    }
    return false
  }

  private static func control(
    _ request: WasatchControlRequest, on device: any USBInterface, timeout: Duration
  ) async throws -> [UInt8] {
    try await device.control(
      requestType: request.requestType, request: request.request, value: request.value,
      index: request.index, data: request.data, length: request.length, timeout: timeout)
  }
}
