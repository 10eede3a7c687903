// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "ReserveSim",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "ReserveSim", targets: ["ReserveSim"]),
    .executable(name: "reservesim", targets: ["reservesim"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // OpenBLAS' CBLAS interface (Debian: libopenblas-dev).
    .systemLibrary(
      name: "CBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]
    ),
    // The engine's wide-vector inner loops in C, compiled per instruction set (not API).
    .target(name: "_ReserveSimKernels"),
    // One target per layer; data flows one way, and the compiler forbids the way back:
    // Scenario → Engine → Results → Analysis → Export. Layers share internals with `package` access.
    .target(name: "ReserveSimScenario"),
    .target(name: "ReserveSimEngine", dependencies: ["ReserveSimScenario", "CBLAS", "_ReserveSimKernels"]),
    .target(name: "ReserveSimResults", dependencies: ["ReserveSimScenario", "ReserveSimEngine"]),
    .target(
      name: "ReserveSimAnalysis", dependencies: ["ReserveSimScenario", "ReserveSimEngine", "ReserveSimResults"]),
    .target(
      name: "ReserveSimExport",
      dependencies: ["ReserveSimScenario", "ReserveSimEngine", "ReserveSimResults", "ReserveSimAnalysis"]),
    // The umbrella: `import ReserveSim` gives the public API of every layer.
    .target(
      name: "ReserveSim",
      dependencies: [
        "ReserveSimScenario", "ReserveSimEngine", "ReserveSimResults", "ReserveSimAnalysis", "ReserveSimExport",
      ]
    ),
    // The command line's atomic file writer and signal cleanup: not model logic, not re-exported by the umbrella.
    .target(name: "ReserveSimFiles"),
    .executableTarget(
      name: "reservesim",
      dependencies: [
        "ReserveSim",
        "ReserveSimFiles",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "ReserveSimTests", dependencies: ["ReserveSim"]),
    // Golden/ holds the committed outputs GoldenOutputTests compares with (read by path, not a resource).
    .testTarget(name: "EndToEndTests", dependencies: ["reservesim"], exclude: ["Golden"]),
  ],
  swiftLanguageModes: [.v5]
)
