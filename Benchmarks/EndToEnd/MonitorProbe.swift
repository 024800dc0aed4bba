import Foundation
import Logging
import Synchronization
import WhitlockCore

/// Reports the address the in-process monitor bound (`monitor listening address=…`), so the
/// benchmark can bind port 0 and still connect; errors are printed to standard error.
struct ListeningAddressLogHandler: LogHandler {
  /// Filled in once the monitor logs its bound address.
  final class Box: Sendable {
    let address = Mutex<String?>(nil)
  }

  let box: Box
  var metadata: Logger.Metadata = [:]
  var logLevel: Logger.Level = .notice

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    if event.message.description == "monitor listening", let address = event.metadata?["address"] {
      box.address.withLock { $0 = "\(address)" }
    } else if event.level >= .error {
      FileHandle.standardError.write(Data("bench: \(event.message)\n".utf8))
    }
  }
}

/// Where an acquisition event on the SSE stream came from, read without parsing the whole event
/// (the spectrum in it is the bulk), so the arrival time is taken before any decoding work.
struct AcquisitionKey: Hashable, Sendable {
  var instrument: String
  var deviceSequence: UInt64

  /// Reads `"instrument":{"id":"…"` and `"device_seq":N` from an `acquisition` event's data.
  init?(eventData data: String) {
    let utf8 = data.utf8
    guard let idStart = Self.end(of: #""instrument":{"id":""#, in: utf8),
      let idEnd = utf8[idStart...].firstIndex(of: UInt8(ascii: "\"")),
      let seqStart = Self.end(of: #""device_seq":"#, in: utf8)
    else { return nil }
    var sequence: UInt64 = 0
    var index = seqStart
    while index < utf8.endIndex, let digit = utf8[index].asciiDigit {
      sequence = sequence * 10 + UInt64(digit)
      index = utf8.index(after: index)
    }
    guard index != seqStart else { return nil }
    instrument = String(data[idStart..<idEnd])
    deviceSequence = sequence
  }

  init(instrument: String, deviceSequence: UInt64) {
    self.instrument = instrument
    self.deviceSequence = deviceSequence
  }

  private static func end(of needle: String, in haystack: String.UTF8View) -> String.Index? {
    let pattern = Array(needle.utf8)
    var index = haystack.startIndex
    while index < haystack.endIndex {
      var cursor = index
      var matched = 0
      while matched < pattern.count, cursor < haystack.endIndex,
        haystack[cursor] == pattern[matched]
      {
        matched += 1
        cursor = haystack.index(after: cursor)
      }
      if matched == pattern.count { return cursor }
      index = haystack.index(after: index)
    }
    return nil
  }
}

extension UInt8 {
  fileprivate var asciiDigit: UInt8? {
    self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") ? self - UInt8(ascii: "0") : nil
  }
}

/// An instrument that reports every spectrum the moment it exists (the end of acquisition, for a
/// real device the last byte read), before the session analyses and spools it.
struct TimedInstrument: Instrument {
  let inner: any Instrument
  let onAcquired: @Sendable (Acquisition) -> Void

  var configuredID: String { inner.configuredID }
  var kind: InstrumentKind { inner.kind }

  func open() async throws -> InstrumentIdentity { try await inner.open() }

  func acquire() async throws -> Acquisition {
    let acquisition = try await inner.acquire()
    onAcquired(acquisition)
    return acquisition
  }

  func close() async { await inner.close() }
}
