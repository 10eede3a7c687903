// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "ReserveSim",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "ReserveSim", targets: ["ReserveSim"]),
    .executable(name: "reservesim", targets: ["reservesim"]),
    // The what-if web page (`reservesim serve`): a product of its own, so that building `reservesim` never
    // compiles Hummingbird.
    .executable(name: "reservesim-serve", targets: ["reservesim-serve"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
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
    // The what-if server: the HTTP API and the page over the library's RunPipeline (Hummingbird 2).
    .target(
      name: "ReserveSimServer",
      dependencies: [
        "ReserveSim",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
      ]
    ),
    .executableTarget(
      name: "reservesim-serve",
      dependencies: ["ReserveSimServer", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    .testTarget(name: "ReserveSimTests", dependencies: ["ReserveSim"]),
    // HTTP tests: the server on an ephemeral port, spoken to over a real socket.
    .testTarget(
      name: "ServerTests", dependencies: ["ReserveSimServer", "ReserveSim", "reservesim", "reservesim-serve"]),
    // Golden/ holds the committed outputs GoldenOutputTests compares with (read by path, not a resource).
    .testTarget(name: "EndToEndTests", dependencies: ["reservesim"], exclude: ["Golden"]),
  ],
  swiftLanguageModes: [.v5]
)
