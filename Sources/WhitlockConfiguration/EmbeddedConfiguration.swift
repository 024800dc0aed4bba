/// The configuration whitlockd runs with when no `--config` is given: two simulated instruments
/// and a simulated stage scanning a demo map,
/// a spool under `./spool` and logging at info level. It is parsed by the same loader as a file,
/// so it doubles as a worked example (see also systemd/whitlockd.toml).
public enum EmbeddedConfiguration {
  /// The name used in messages about the embedded default.
  public static let sourceName = "<embedded default>"

  /// The TOML text.
  public static let text = """
    # whitlockd embedded default: simulated Raman + XRF instruments, spool under ./spool
    [daemon]
    log_level = "info"
    shutdown_grace_s = 2.5

    [spool]
    path = "./spool"
    segment_max_records = 1000
    segment_max_bytes = 33554432
    segment_max_age_s = 5.0
    backlog_records = 20000

    [detection.xrf]
    # Mg/Ca relative sensitivity factor of the simulated detector, as a calibration against a
    # standard of known Mg/Ca would give it. Real detectors need their own.
    calibration = "simulated detector (model sensitivity)"
    relative_sensitivity_mg_ca = 0.07

    [stage]
    # A stage simulated in process over a simulated calcification; the demo scans a 12 x 12 map
    # of it again and again, so the live page has a picture.
    driver = "simulated"
    demo_map = 12

    [[instrument]]
    id = "raman-sim"
    kind = "raman"
    driver = "simulated"
    exposure_s = 0.5
    [instrument.simulation]
    seed = 785
    serial = "SIM-R-0001"
    channels = 1024
    acquisitions_per_point = 8

    [[instrument]]
    id = "xrf-sim"
    kind = "xrf"
    driver = "simulated"
    exposure_s = 2.0
    [instrument.simulation]
    seed = 3691
    serial = "SIM-X-0001"
    channels = 2048
    acquisitions_per_point = 2
    """
}
