import Foundation
import Logging
import ServiceLifecycle
import Spool
import Synchronization
import WhitlockCore

/// Drives one instrument for the daemon's lifetime: open, acquire continuously, analyse, spool.
///
/// Acquisition and analysis run as two tasks joined by a bounded queue, so a slow analysis never
/// delays the next exposure; if the queue overflows, the spectrum is counted as dropped and the
/// count lands in the run's `run-end` record. On graceful shutdown the acquisition in flight is
/// allowed to finish within the grace period, then aborted and counted as interrupted; queued
/// spectra are analysed and spooled before the session writes its `run-end`.
public final class InstrumentSession: Sendable {
  /// Tunables of a session.
  public struct Settings: Sendable {
    /// How long an exposure in flight may run on after shutdown is requested.
    public var shutdownGraceSeconds: Double = 2.5
    /// Spectra waiting for analysis before new ones are dropped.
    public var analysisQueueCapacity: Int = 256
    /// First and longest wait between attempts to open a device that failed.
    public var reopenBackoffSeconds: ClosedRange<Double> = 0.5...10
    /// How the instrument was configured, recorded in `run-start`.
    public var configurationRecord: JSONValue = .object([])
    /// Extra run-level results for `run-end` (the fused whitlockite summary), read at run end.
    public var runEndFusion: (@Sendable () -> JSONValue?)? = nil

    public init() {}
  }

  private let instrument: any Instrument
  private let makeAnalyzer: SpectrumAnalyzerFactory
  private let pump: SpoolPump
  private let run: RunContext
  private let settings: Settings
  private let logger: Logger
  private let tally = Mutex(RunSummary(reason: "shutdown"))

  public init(
    instrument: any Instrument, analyzer: @escaping SpectrumAnalyzerFactory, pump: SpoolPump,
    run: RunContext, settings: Settings, logger: Logger
  ) {
    self.instrument = instrument
    self.makeAnalyzer = analyzer
    self.pump = pump
    self.run = run
    self.settings = settings
    var logger = logger
    logger[metadataKey: "instrument"] = "\(instrument.configuredID)"
    self.logger = logger
  }

  /// The session's running tally.
  public var summary: RunSummary { tally.withLock { $0 } }

  /// Runs until graceful shutdown or cancellation.
  public func runSession() async {
    guard let identity = await openWithRetry() else { return }
    pump.submit(
      .runStart(
        run: run, instrument: identity, settings: settings.configurationRecord, time: Date()))
    let (spectra, queue) = AsyncStream.makeStream(
      of: Acquisition.self, bufferingPolicy: .bufferingOldest(settings.analysisQueueCapacity))
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        await self.acquireContinuously(identity: identity, into: queue)
        queue.finish()
      }
      group.addTask { await self.analyseAndSpool(spectra) }
    }
    await instrument.close()
    var summary = tally.withLock { $0 }
    summary.fusion = settings.runEndFusion?()
    pump.submit(.runEnd(run: run, instrument: identity, summary: summary, time: Date()))
    logger.info(
      "session ended",
      metadata: [
        "completed": "\(summary.acquisitionsCompleted)",
        "spooled": "\(summary.acquisitionsSpooled)",
        "interrupted": "\(summary.acquisitionsInterrupted)",
        "dropped": "\(summary.acquisitionsDropped)", "errors": "\(summary.errors)",
      ])
  }

  private var shouldStop: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

  private func openWithRetry() async -> InstrumentIdentity? {
    var delay = settings.reopenBackoffSeconds.lowerBound
    while !shouldStop {
      do {
        let identity = try await instrument.open()
        logger.info(
          "instrument opened",
          metadata: [
            "model": "\(identity.model)", "serial": "\(identity.serial)",
            "family": "\(identity.family)",
          ])
        return identity
      } catch {
        tally.withLock { $0.errors += 1 }
        logger.error(
          "cannot open instrument; retrying",
          metadata: ["error": "\(error)", "retry_s": "\(delay)"])
        await instrument.close()
        guard await sleepUnlessStopping(seconds: delay) else { return nil }
        delay = min(delay * 2, settings.reopenBackoffSeconds.upperBound)
      }
    }
    return nil
  }

  /// Sleeps; returns `false` if shutdown or cancellation came first.
  private func sleepUnlessStopping(seconds: Double) async -> Bool {
    await cancelWhenGracefulShutdown { () async -> Bool in
      (try? await Task.sleep(for: .seconds(seconds))) != nil
    }
  }

  private func acquireContinuously(
    identity: InstrumentIdentity, into queue: AsyncStream<Acquisition>.Continuation
  ) async {
    while !shouldStop {
      let outcome = await acquireOnce()
      switch outcome {
      case .completed(let acquisition):
        tally.withLock { $0.acquisitionsCompleted += 1 }
        if case .dropped = queue.yield(acquisition) {
          tally.withLock { $0.acquisitionsDropped += 1 }
          logger.warning(
            "analysis queue full; spectrum dropped",
            metadata: ["device_seq": "\(acquisition.deviceSequence)"])
        }
      case .interrupted:
        tally.withLock { $0.acquisitionsInterrupted += 1 }
        logger.notice("acquisition in flight interrupted by shutdown")
        return
      case .failed(let error):
        tally.withLock { $0.errors += 1 }
        logger.error("acquisition failed; reopening instrument", metadata: ["error": "\(error)"])
        await instrument.close()
        guard await openWithRetry() != nil else { return }
      }
    }
  }

  private enum Outcome: Sendable {
    case completed(Acquisition)
    case interrupted
    case failed(any Error)
  }

  /// One acquisition that may run on for the grace period after shutdown starts, then is aborted.
  private func acquireOnce() async -> Outcome {
    let grace = settings.shutdownGraceSeconds
    let instrument = self.instrument
    return await withTaskGroup(of: Outcome?.self) { group in
      group.addTask {
        do { return .completed(try await instrument.acquire()) } catch is CancellationError {
          return .interrupted
        } catch { return .failed(error) }
      }
      group.addTask {
        // Resolves only when shutdown starts and the grace period has passed.
        do {
          try await gracefulShutdown()
          try await Task.sleep(for: .seconds(grace))
          return .interrupted
        } catch { return nil }
      }
      var result: Outcome = .interrupted
      while let next = await group.next() {
        if let next {
          result = next
          break
        }
      }
      group.cancelAll()
      return result
    }
  }

  private func analyseAndSpool(_ spectra: AsyncStream<Acquisition>) async {
    var analyzer = makeAnalyzer()
    for await acquisition in spectra {
      let detection = analyzer.analyze(acquisition)
      if pump.submit(.acquisition(run: run, acquisition: acquisition, detection: detection)) {
        tally.withLock { $0.acquisitionsSpooled += 1 }
      } else {
        tally.withLock { $0.acquisitionsDropped += 1 }
        logger.error(
          "spool backlog full; result dropped",
          metadata: ["device_seq": "\(acquisition.deviceSequence)"])
      }
      logger.info("\(AcquisitionLogLine.describe(acquisition, detection: detection))")
    }
  }
}
