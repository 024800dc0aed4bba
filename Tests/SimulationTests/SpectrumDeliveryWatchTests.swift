import Simulation
import Testing
import USBBridge
import WhitlockCore

/// Which spectra reached the host whole, from the bytes and stream positions a bridge delivers.
@Suite struct SpectrumDeliveryWatchTests {
  let stream = SpectrumStream(endpoint: 0x82, messageBytes: 5, pixelCount: 2, flipMask: 0)

  @Test func wholeMessagesInPiecesAreNamedOnceComplete() {
    var watch = SpectrumDeliveryWatch(stream: stream)
    let first: [UInt8] = [1, 0, 2, 0, 0x69]
    let second: [UInt8] = [3, 0, 4, 0, 0x69]
    #expect(watch.delivered(Array(first.prefix(2)), at: 0).isEmpty, "half a spectrum")
    let done = watch.delivered(Array(first.dropFirst(2)) + Array(second.prefix(1)), at: 2)
    #expect(done == [SpectrumFingerprint.of([UInt16(1), 2])])
    #expect(watch.delivered(Array(second.dropFirst(1)), at: 6) == [SpectrumFingerprint.of([3, 4])])
  }

  @Test func aMessageWithBytesLostToAFaultIsNeverNamed() {
    var watch = SpectrumDeliveryWatch(stream: stream)
    // Bytes 2…3 of the first message were babbled away: only positions 0–1 and 4 arrive.
    #expect(watch.delivered([1, 0], at: 0).isEmpty)
    #expect(watch.delivered([0x69], at: 4).isEmpty)
    #expect(watch.delivered([7, 0, 8, 0, 0x69], at: 5) == [SpectrumFingerprint.of([7, 8])])
  }

  @Test func aPowerCycleStartsPositionsAgain() {
    var watch = SpectrumDeliveryWatch(stream: stream)
    #expect(watch.delivered([1, 0, 2], at: 0).isEmpty)
    watch.reset()
    #expect(watch.delivered([5, 0, 6, 0, 0x69], at: 0) == [SpectrumFingerprint.of([5, 6])])
  }

  @Test func flipMaskIsUndoneAsADriverDoes() {
    let flipped = SpectrumStream(endpoint: 0x82, messageBytes: 5, pixelCount: 2, flipMask: 0x2000)
    #expect(flipped.fingerprint(of: [1, 0x20, 2, 0x20, 0x69]) == SpectrumFingerprint.of([1, 2]))
  }
}
