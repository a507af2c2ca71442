// swift-tools-version: 6.1
// Benchmarks for procsim, kept out of the main package so that `swift build` there stays lean.
// Run from this folder: `swift package benchmark --no-progress`.
import PackageDescription

let package = Package(
    name: "procsim-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        // Named explicitly: a path dependency is otherwise known by its folder name, which varies by clone.
        .package(name: "procsim", path: ".."),
        // `traits:` is required: listing traits drops the default "RuntimeInterposer" trait,
        // whose dependency is not in the mirror (see shared/toolchain.md, section 3).
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Kernel",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SimKernel", package: "procsim"),
                .product(name: "SimModel", package: "procsim"),
                .product(name: "SimScenario", package: "procsim"),
                .product(name: "SimStatistics", package: "procsim"),
                .product(name: "SimExperiment", package: "procsim"),
                .product(name: "SimReport", package: "procsim"),
            ],
            path: "Kernel",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
