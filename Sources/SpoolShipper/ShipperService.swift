import ServiceLifecycle

/// Runs a `SpoolShipper` as a service of a `ServiceGroup` (whitlockd's `[ship]`, or
/// `whitlockctl ship`) until graceful shutdown.
///
/// A shutdown interrupts the segment in flight; its transaction is then not committed (or its
/// commit is not yet followed by the move), so the segment stays in `new/` and is shipped again,
/// adding nothing twice, on the next start.
public struct ShipperService: Service {
  public let shipper: SpoolShipper

  public init(shipper: SpoolShipper) { self.shipper = shipper }

  public func run() async throws {
    let shipper = self.shipper
    await cancelWhenGracefulShutdown { await shipper.run() }
  }
}
