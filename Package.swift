// swift-tools-version:6.1
import PackageDescription

let strictSwift: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
  name: "whitlockd",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "whitlockd", targets: ["whitlockd"]),
    .executable(name: "whitlockctl", targets: ["whitlockctl"]),
    .executable(name: "whitlock-bench", targets: ["whitlock-bench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
  ],
  targets: [
    .target(name: "WhitlockCore", swiftSettings: strictSwift),
    .systemLibrary(
      name: "CLibUSB", pkgConfig: "libusb-1.0",
      providers: [.apt(["libusb-1.0-0-dev"])]),
    .systemLibrary(
      name: "CLibUDev", pkgConfig: "libudev",
      providers: [.apt(["libudev-dev"])]),
    .target(
      name: "Transports", dependencies: ["WhitlockCore", "CLibUSB", "CLibUDev"],
      swiftSettings: strictSwift),
    .target(name: "WhitlockTOML", swiftSettings: strictSwift),
    .target(name: "Detection", dependencies: ["WhitlockCore"], swiftSettings: strictSwift),
    .target(name: "Spool", dependencies: ["WhitlockCore"], swiftSettings: strictSwift),
    .target(name: "Simulation", dependencies: ["WhitlockCore"], swiftSettings: strictSwift),
    .target(
      name: "WhitlockDaemon",
      dependencies: [
        "WhitlockCore", "WhitlockTOML", "Transports", "Detection", "Spool", "Simulation",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: strictSwift),
    .executableTarget(
      name: "whitlockd",
      dependencies: [
        "WhitlockDaemon",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictSwift),
    .target(
      name: "WhitlockCtlKit",
      dependencies: ["WhitlockCore", "Spool", "Transports", "Detection"],
      swiftSettings: strictSwift),
    .executableTarget(
      name: "whitlockctl",
      dependencies: [
        "WhitlockCtlKit", "Spool", "Transports",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictSwift),
    .target(name: "CAllocationCounter", path: "Benchmarks/CAllocationCounter"),
    .executableTarget(
      name: "whitlock-bench",
      dependencies: ["Detection", "Simulation", "WhitlockCore", "CAllocationCounter"],
      path: "Benchmarks/WhitlockBench", swiftSettings: strictSwift),
    .testTarget(
      name: "WhitlockCoreTests", dependencies: ["WhitlockCore"], swiftSettings: strictSwift),
    .testTarget(
      name: "WhitlockTOMLTests", dependencies: ["WhitlockTOML"], swiftSettings: strictSwift),
    .testTarget(
      name: "SpoolTests", dependencies: ["Spool", "WhitlockCore"], swiftSettings: strictSwift),
    .testTarget(
      name: "DetectionTests",
      dependencies: ["Detection", "Simulation", "WhitlockCore", "WhitlockCtlKit"],
      swiftSettings: strictSwift),
    .testTarget(
      name: "SimulationTests", dependencies: ["Simulation", "WhitlockCore"],
      swiftSettings: strictSwift),
    .testTarget(
      name: "DaemonTests", dependencies: ["WhitlockDaemon", "Spool", "WhitlockCore"],
      swiftSettings: strictSwift),
    .testTarget(
      name: "TransportsTests", dependencies: ["Transports", "WhitlockCtlKit"],
      swiftSettings: strictSwift),
    .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strictSwift),
    .executableTarget(
      name: "SpoolCrashWriter", dependencies: ["Spool", "WhitlockCore"],
      path: "Tests/Fixtures/SpoolCrashWriter", swiftSettings: strictSwift),
    .testTarget(
      name: "IntegrationTests", dependencies: ["Spool", "WhitlockCore", "TestSupport"],
      swiftSettings: strictSwift),
  ]
)
