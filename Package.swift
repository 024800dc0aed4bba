// swift-tools-version:6.1
import Foundation
import PackageDescription

let strictSwift: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
]

/// The detector's kernels built a second time for x86-64-v3 (AVX2); elsewhere that build is a
/// second portable copy, which the run-time check never selects. Swift takes its code
/// generation target from the Clang options, so `-march` sets the instruction set.
#if arch(x86_64)
  let x86v3Swift =
    strictSwift + [
      .define("WHITLOCK_X86_64_V3"), .unsafeFlags(["-Xcc", "-march=x86-64-v3"]),
    ]
#else
  let x86v3Swift = strictSwift + [.define("WHITLOCK_X86_64_V3")]
#endif

/// Fuzz targets define their own entry point for libFuzzer (see Fuzz/FuzzSupport).
let fuzzerSwift = strictSwift + [.unsafeFlags(["-parse-as-library"])]

/// The instrument families, one folder each under Drivers/: the driver target (codec, device
/// logic, device side) and its `Family` subfolder (the declaration the daemon, CLI and udev rules
/// read). A new family is a folder here plus one line in `InstrumentFamilies.all`.
let instrumentFamilies = ["AmptekDP5", "OceanInsight", "Wasatch"]

let familyTargets: [Target] = instrumentFamilies.flatMap { family -> [Target] in
  [
    .target(
      name: family, dependencies: ["WhitlockCore"], path: "Drivers/\(family)",
      exclude: ["Family"], swiftSettings: strictSwift),
    .target(
      name: family + "Family",
      dependencies: [
        .target(name: family), "InstrumentFamilyKit", "WhitlockConfiguration", "WhitlockCore",
        "Transports", "Simulation",
      ],
      path: "Drivers/\(family)/Family", swiftSettings: strictSwift),
  ]
}

let package = Package(
  name: "whitlockd",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "whitlockd", targets: ["whitlockd"]),
    .executable(name: "whitlockctl", targets: ["whitlockctl"]),
    .executable(name: "whitlock-sim", targets: ["whitlock-sim"]),
    .executable(name: "whitlock-bench", targets: ["whitlock-bench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
  ],
  targets: familyTargets + [
    // JSON values, the allocation-free writer and the exact-integer parser (see ARCHITECTURE.md).
    .target(name: "WhitlockJSON", swiftSettings: strictSwift),
    .target(name: "WhitlockCore", dependencies: ["WhitlockJSON"], swiftSettings: strictSwift),
    // The one plain-text table renderer, shared by whitlockctl and the benchmarks.
    .target(name: "TextTables", swiftSettings: strictSwift),
    .target(name: "Calibration", dependencies: ["WhitlockCore"], swiftSettings: strictSwift),
    .systemLibrary(
      name: "CLibUSB", pkgConfig: "libusb-1.0",
      providers: [.apt(["libusb-1.0-0-dev"])]),
    .systemLibrary(
      name: "CLibUDev", pkgConfig: "libudev",
      providers: [.apt(["libudev-dev"])]),
    .systemLibrary(
      name: "CHDF5", pkgConfig: "hdf5-serial",
      providers: [.apt(["libhdf5-dev"])]),
    .target(name: "HDF5", dependencies: ["CHDF5"], swiftSettings: strictSwift),
    .target(
      name: "Transports", dependencies: ["WhitlockCore", "CLibUSB", "CLibUDev"],
      swiftSettings: strictSwift),
    .target(name: "WhitlockTOML", swiftSettings: strictSwift),
    .target(
      name: "PriorProScan", dependencies: ["WhitlockCore"], path: "Drivers/PriorProScan",
      swiftSettings: strictSwift),
    .target(
      name: "MarzhauserTango", dependencies: ["WhitlockCore"], path: "Drivers/MarzhauserTango",
      swiftSettings: strictSwift),
    .target(name: "Mapping", dependencies: ["WhitlockCore"], swiftSettings: strictSwift),
    .target(name: "CCPUFeatures"),
    .target(name: "SpectralKernels", swiftSettings: strictSwift),
    .target(name: "SpectralKernelsX86_64V3", swiftSettings: x86v3Swift),
    .target(
      name: "Detection",
      dependencies: ["WhitlockCore", "SpectralKernels", "SpectralKernelsX86_64V3", "CCPUFeatures"],
      swiftSettings: strictSwift),
    .target(
      name: "Spool", dependencies: ["WhitlockCore"],
      resources: [.embedInCode("Resources/record.schema.json")], swiftSettings: strictSwift),
    .target(
      name: "SpoolShipper",
      dependencies: [
        "NetworkSettings",
        "Spool", "WhitlockCore",
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: strictSwift),
    // What the simulated specimen is (Raman and XRF physics, the seeded sample schedule), apart
    // from the devices that measure it (`Simulation`: simulated instruments, device emulations).
    .target(
      name: "SampleModels", dependencies: ["WhitlockCore", "Calibration"],
      swiftSettings: strictSwift),
    .target(
      name: "Simulation",
      dependencies: [
        "WhitlockCore", "SampleModels", "AmptekDP5", "OceanInsight", "PriorProScan",
        "MarzhauserTango",
      ],
      swiftSettings: strictSwift),
    // The device side of the emulated USB bus; only whitlock-sim (and its tests) link it.
    .target(
      name: "USBBridge", dependencies: ["Simulation", "SampleModels", "WhitlockCore"],
      swiftSettings: strictSwift),
    .target(
      name: "Records", dependencies: ["WhitlockCore", "Mapping"], swiftSettings: strictSwift),
    // Addresses, limits and access rules of the daemon's network endpoints (the monitor, the
    // PostgreSQL target): plain values the configuration validates without linking the servers.
    .target(name: "NetworkSettings", swiftSettings: strictSwift),
    // What every instrument family declares (drivers, catalog, udev rules), and the registry.
    .target(
      name: "InstrumentFamilyKit", dependencies: ["WhitlockCore", "WhitlockConfiguration"],
      swiftSettings: strictSwift),
    .target(
      name: "InstrumentFamilies",
      dependencies: [
        "InstrumentFamilyKit", "WhitlockConfiguration", "WhitlockCore", "Simulation",
        "SampleModels",
      ]
        + instrumentFamilies.map { .target(name: $0 + "Family") },
      swiftSettings: strictSwift),
    .target(
      name: "Monitor",
      dependencies: [
        "NetworkSettings",
        "WhitlockCore",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      resources: [.embedInCode("Resources/monitor.html")], swiftSettings: strictSwift),
    .target(
      name: "WhitlockConfiguration",
      dependencies: [
        "WhitlockCore", "WhitlockTOML", "Transports", "Detection", "Spool", "NetworkSettings",
        "Calibration",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictSwift),
    .target(
      name: "WhitlockLogging",
      dependencies: ["WhitlockCore", .product(name: "Logging", package: "swift-log")],
      swiftSettings: strictSwift),
    .target(
      name: "WhitlockDaemon",
      dependencies: [
        "NetworkSettings",
        "WhitlockConfiguration", "WhitlockLogging", "WhitlockCore", "WhitlockTOML", "Transports",
        "Detection", "Spool", "Simulation", "OceanInsight", "Wasatch", "Monitor", "AmptekDP5",
        "InstrumentFamilies", "Records",
        "SpoolShipper", "Calibration", "Mapping", "PriorProScan", "MarzhauserTango", "SampleModels",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: strictSwift),
    .executableTarget(
      name: "whitlockd",
      dependencies: [
        "WhitlockDaemon", "WhitlockConfiguration", "WhitlockLogging", "WhitlockCore",
        "InstrumentFamilies",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictSwift),
    .target(
      name: "WhitlockCtlKit",
      dependencies: [
        "WhitlockCore", "Records", "Spool", "Transports", "WhitlockConfiguration", "Detection",
        "HDF5", "TextTables", "InstrumentFamilies", "Calibration", "Mapping",
      ],
      swiftSettings: strictSwift),
    .executableTarget(
      name: "whitlockctl",
      dependencies: [
        "NetworkSettings",
        "WhitlockCtlKit", "Records", "Spool", "Transports", "WhitlockCore", "WhitlockConfiguration",
        "WhitlockLogging", "SpoolShipper", "Wasatch", "InstrumentFamilies", "Calibration",
        "Detection",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: strictSwift),
    .executableTarget(
      name: "whitlock-sim",
      dependencies: [
        "Simulation", "SampleModels", "USBBridge", "AmptekDP5", "OceanInsight", "PriorProScan",
        "MarzhauserTango", "Transports",
        "WhitlockCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      resources: [.embedInCode("Resources/usb-testbed.py")], swiftSettings: strictSwift),
    .target(name: "CAllocationCounter", path: "Benchmarks/CAllocationCounter"),
    .executableTarget(
      name: "whitlock-calibration-bench",
      dependencies: [
        "Calibration", "Detection", "TestSupport", "TextTables", "WhitlockCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/Calibration", swiftSettings: strictSwift),
    .executableTarget(
      name: "whitlock-bench",
      dependencies: [
        "Detection", "Simulation", "SampleModels", "WhitlockCore", "CAllocationCounter",
        "TextTables",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/WhitlockBench", swiftSettings: strictSwift),
    .testTarget(
      name: "WhitlockCoreTests", dependencies: ["WhitlockCore"], swiftSettings: strictSwift),
    .testTarget(
      name: "OceanInsightTests", dependencies: ["OceanInsight", "Simulation", "WhitlockCore"],
      swiftSettings: strictSwift),
    .testTarget(
      name: "WasatchTests", dependencies: ["Wasatch", "Simulation", "WhitlockCore"],
      swiftSettings: strictSwift),
    .testTarget(
      name: "AmptekDP5Tests",
      dependencies: ["AmptekDP5", "WhitlockCore", "Simulation", "Transports"],
      swiftSettings: strictSwift),
    .testTarget(
      name: "PriorProScanTests",
      dependencies: ["PriorProScan", "WhitlockCore", "Simulation", "Transports", "Mapping"],
      swiftSettings: strictSwift),
    .testTarget(
      name: "MarzhauserTangoTests",
      dependencies: ["MarzhauserTango", "WhitlockCore", "Simulation", "Transports"],
      swiftSettings: strictSwift),
    .testTarget(
      name: "MappingTests", dependencies: ["Mapping", "Records", "WhitlockCore"],
      swiftSettings: strictSwift),
    .testTarget(
      name: "WhitlockCtlKitTests",
      dependencies: ["WhitlockCtlKit", "WhitlockCore", "Records", "Spool", "HDF5"],
      swiftSettings: strictSwift),
    .testTarget(name: "TextTablesTests", dependencies: ["TextTables"], swiftSettings: strictSwift),
    .testTarget(
      name: "CalibrationTests",
      dependencies: [
        "Calibration", "Detection", "TestSupport", "WhitlockConfiguration", "WhitlockCore",
        "InstrumentFamilies",
      ],
      swiftSettings: strictSwift),
    .testTarget(
      name: "WhitlockTOMLTests", dependencies: ["WhitlockTOML"], swiftSettings: strictSwift),
    .testTarget(
      name: "SpoolShipperTests", dependencies: ["NetworkSettings", "SpoolShipper"],
      swiftSettings: strictSwift),
    .testTarget(
      name: "SpoolTests", dependencies: ["Spool", "WhitlockCore"], swiftSettings: strictSwift),
    .testTarget(
      name: "RecordsTests",
      dependencies: ["Records", "Spool", "WhitlockCore", "Detection", "Simulation", "Mapping"],
      swiftSettings: strictSwift),
    .testTarget(
      name: "DetectionTests",
      dependencies: [
        "Detection", "Simulation", "SampleModels", "WhitlockCore", "WhitlockCtlKit",
        "SpectralKernels",
        "SpectralKernelsX86_64V3",
      ],
      swiftSettings: strictSwift),
    .testTarget(
      name: "SimulationTests",
      dependencies: ["Simulation", "SampleModels", "USBBridge", "WhitlockCore", "Calibration"],
      swiftSettings: strictSwift),
    .testTarget(
      name: "DaemonTests",
      dependencies: [
        "WhitlockDaemon", "WhitlockConfiguration", "WhitlockLogging", "Spool", "WhitlockCore",
        "Monitor", "Transports", "Records", "WhitlockCtlKit", "InstrumentFamilies",
        "OceanInsightFamily", "WasatchFamily", "Calibration", "Detection", "Mapping",
        "OceanInsight",
        "Simulation", "SampleModels",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
      ],
      swiftSettings: strictSwift),
    .testTarget(
      name: "WhitlockConfigurationTests",
      dependencies: [
        "WhitlockConfiguration", "InstrumentFamilies", "AmptekDP5Family", "OceanInsightFamily",
        "WasatchFamily", "InstrumentFamilyKit", "WhitlockCore",
      ],
      swiftSettings: strictSwift),
    .testTarget(
      name: "TransportsTests",
      dependencies: [
        "Transports", "WhitlockCtlKit", "TestSupport", "TextTables", "InstrumentFamilies",
        "AmptekDP5Family", "OceanInsightFamily", "WasatchFamily", "WhitlockCore",
      ],
      swiftSettings: strictSwift),
    .executableTarget(
      name: "whitlock-e2e-bench",
      dependencies: [
        "WhitlockDaemon", "WhitlockConfiguration", "Spool", "Simulation", "SampleModels",
        "WhitlockCore", "Monitor",
        "WhitlockCtlKit", "TextTables",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Histogram", package: "hdrhistogram-swift"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      path: "Benchmarks/EndToEnd", swiftSettings: strictSwift),
    .target(
      name: "TestSupport", dependencies: ["WhitlockCore", "Calibration"], path: "Tests/TestSupport",
      swiftSettings: strictSwift),
    .executableTarget(
      name: "SpoolCrashWriter", dependencies: ["Spool", "WhitlockCore"],
      path: "Tests/Fixtures/SpoolCrashWriter", swiftSettings: strictSwift),
    .executableTarget(
      name: "OBPEmulatorTool", dependencies: ["Simulation", "WhitlockCore"],
      path: "Tests/Fixtures/OBPEmulatorTool", swiftSettings: strictSwift),
    .testTarget(
      name: "IntegrationTests",
      dependencies: [
        "InstrumentFamilies", "InstrumentFamilyKit",
        "Spool", "WhitlockCore", "TestSupport", "WhitlockCtlKit", "OceanInsight", "Detection",
        "SpoolShipper", "PriorProScan", "MarzhauserTango", "Transports",
      ],
      swiftSettings: strictSwift),
    .executableTarget(
      name: "whitlock-faults",
      dependencies: [
        "TestSupport", "WhitlockCore", "WhitlockCtlKit", "PriorProScan", "Mapping", "Transports",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/FaultMatrix", swiftSettings: strictSwift),
    .executableTarget(
      name: "whitlock-soak",
      dependencies: [
        "WhitlockCtlKit", "WhitlockCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/Soak", swiftSettings: strictSwift),
    .executableTarget(
      name: "MonitorBenchmark",
      dependencies: [
        "WhitlockCtlKit", "WhitlockCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/MonitorBenchmark", swiftSettings: strictSwift),
    .executableTarget(
      name: "whitlock-ship-bench",
      dependencies: [
        "NetworkSettings",
        "SpoolShipper", "Spool", "Detection", "Simulation", "SampleModels", "WhitlockCore",
        "TestSupport",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/ShipBench", swiftSettings: strictSwift),
    .executableTarget(
      name: "whitlock-stage-bench",
      dependencies: [
        "PriorProScan", "MarzhauserTango", "Mapping", "Simulation", "Transports", "WhitlockCore",
        "TextTables", "WhitlockDaemon", "WhitlockConfiguration", "Spool",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      path: "Benchmarks/StageBench", swiftSettings: strictSwift),
    .executableTarget(
      name: "whitlock-nexus-bench",
      dependencies: [
        "Detection", "Simulation", "SampleModels", "Spool", "WhitlockCore", "WhitlockDaemon",
        "Mapping",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/NeXusExport", swiftSettings: strictSwift),
    .testTarget(
      name: "MonitorTests",
      dependencies: [
        "NetworkSettings",
        "Monitor", "WhitlockCore", "WhitlockCtlKit", "TestSupport", "Detection", "SampleModels",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
      ],
      swiftSettings: strictSwift),
  ]
)

// libFuzzer targets exist only when scripts/fuzz.sh builds them (WHITLOCK_FUZZ=1, -sanitize=fuzzer):
// they call into libFuzzer's driver, which ordinary builds do not link.
if ProcessInfo.processInfo.environment["WHITLOCK_FUZZ"] == "1" {
  package.targets += [
    .target(name: "FuzzSupport", path: "Fuzz/FuzzSupport", swiftSettings: strictSwift),
    .executableTarget(
      name: "fuzz-json", dependencies: ["FuzzSupport", "WhitlockCore"], path: "Fuzz/FuzzJSON",
      swiftSettings: fuzzerSwift),
    .executableTarget(
      name: "fuzz-config",
      dependencies: ["FuzzSupport", "WhitlockConfiguration", "InstrumentFamilies"],
      path: "Fuzz/FuzzConfig",
      swiftSettings: fuzzerSwift),
    .executableTarget(
      name: "fuzz-ocean", dependencies: ["FuzzSupport", "OceanInsight", "Wasatch"],
      path: "Fuzz/FuzzOcean", swiftSettings: fuzzerSwift),
    .executableTarget(
      name: "fuzz-dp5", dependencies: ["FuzzSupport", "AmptekDP5"], path: "Fuzz/FuzzDP5",
      swiftSettings: fuzzerSwift),
    .executableTarget(
      name: "fuzz-run-request", dependencies: ["FuzzSupport", "Monitor"],
      path: "Fuzz/FuzzRunRequest", swiftSettings: fuzzerSwift),
  ]
}
