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
    .target(
      name: "ReserveSim",
      dependencies: ["CBLAS", "_ReserveSimKernels"]
    ),
    .executableTarget(
      name: "reservesim",
      dependencies: [
        "ReserveSim",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "ReserveSimTests", dependencies: ["ReserveSim"]),
    // Golden/ holds the committed outputs GoldenOutputTests compares with (read by path, not a resource).
    .testTarget(name: "EndToEndTests", dependencies: ["reservesim"], exclude: ["Golden"]),
  ],
  swiftLanguageModes: [.v5]
)
