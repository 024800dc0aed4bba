import ServiceLifecycle

/// Runs every instrument session side by side as one service.
///
/// Grouping them matters at shutdown: `ServiceGroup` stops services one after another, but the
/// sessions must wind down together so that the daemon exits within its shutdown budget no matter
/// how many instruments it drives.
public struct InstrumentSessions: Service {
  private let sessions: [InstrumentSession]

  public init(_ sessions: [InstrumentSession]) { self.sessions = sessions }

  public func run() async throws {
    // With no instrument configured the daemon stays up (not ready) until it is told to stop.
    if sessions.isEmpty { try? await gracefulShutdown() }
    await withTaskGroup(of: Void.self) { group in
      for session in sessions { group.addTask { await session.runSession() } }
    }
  }
}
