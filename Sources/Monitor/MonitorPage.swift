/// The live page served at `/`: plain HTML, CSS and JavaScript, no external resources. It is
/// `Resources/monitor.html` of this target, compiled into the binary as a SwiftPM `.embedInCode`
/// resource, so the installed daemon needs no file beside it.
public enum MonitorPage {
  /// The page file's bytes, as served.
  public static var bytes: [UInt8] { PackageResources.monitor_html }
}
