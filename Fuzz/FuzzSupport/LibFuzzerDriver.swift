// Entry into libFuzzer for a SwiftPM executable target: SwiftPM names the program's entry point
// `<module>_main`, so each fuzzer defines that and hands libFuzzer its callback.

@_silgen_name("LLVMFuzzerRunDriver")
private func llvmFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

nonisolated(unsafe) private var currentBody: (([UInt8]) -> Void)?

/// Runs libFuzzer with `body` called on every input; returns its exit status.
public func runLibFuzzer(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
  _ body: @escaping ([UInt8]) -> Void
) -> CInt {
  currentBody = body
  var count = argc
  var vector = argv
  return llvmFuzzerRunDriver(&count, &vector) { data, size in
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    currentBody?(bytes)
    return 0
  }
}
