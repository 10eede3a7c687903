// swift-tools-version:6.1
// ReserveSim's benchmarks: a package of its own so that package-benchmark (and its malloc interposer) never
// enter the library's build. Run them with ./run.sh (see README.md).
import PackageDescription

let package = Package(
  name: "ReserveSimBenchmarks",
  platforms: [.macOS(.v13)],
  dependencies: [
    .package(name: "ReserveSim", path: ".."),
    // ordo-one/package-benchmark, now named "benchmark". Only the MallocInterposer trait (malloc counts):
    // its default RuntimeInterposer trait needs a package this machine does not carry.
    .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    // Scenario location, shared metrics and tolerances. Not API.
    .target(
      name: "BenchmarkSupport",
      dependencies: [
        .product(name: "ReserveSim", package: "ReserveSim"),
        .product(name: "Benchmark", package: "benchmark"),
      ]
    )
  ]
)

// One executable per suite, in Benchmarks/<Name>/<Name>.swift, as the Benchmark plugin expects.
for suite in ["Simulation", "BlockKernel", "RandomNumbers"] {
  package.targets.append(
    .executableTarget(
      name: suite,
      dependencies: [
        "BenchmarkSupport",
        .product(name: "ReserveSim", package: "ReserveSim"),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/\(suite)",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ))
}
