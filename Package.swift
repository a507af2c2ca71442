// swift-tools-version: 6.1
// procsim: a discrete-event simulator and capacity planner for business processes.
//
// Dependencies point one way:
//   procsim (CLI) → SimReport → SimPlan → SimExperiment → SimModel → SimStatistics, SimKernel;
//   SimScenario → SimExpressions → SimModel
// SimKernel knows nothing of areas or YAML; SimModel knows nothing of files; only the CLI prints or exits.
import PackageDescription

let package = Package(
    name: "procsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "procsim", targets: ["procsim"]),
        .library(name: "SimKernel", targets: ["SimKernel"]),
        .library(name: "SimModel", targets: ["SimModel"]),
        .library(name: "SimScenario", targets: ["SimScenario"]),
        .library(name: "SimExpressions", targets: ["SimExpressions"]),
        .library(name: "SimStatistics", targets: ["SimStatistics"]),
        .library(name: "SimExperiment", targets: ["SimExperiment"]),
        .library(name: "SimPlan", targets: ["SimPlan"]),
        .library(name: "SimGate", targets: ["SimGate"]),
        .library(name: "SimReport", targets: ["SimReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // MARK: - Public API

        /// The event list, keyed random streams and distributions. No Foundation, no I/O.
        .target(name: "SimKernel"),
        /// Across-replication statistics through BLAS, percentiles, special functions.
        .target(name: "SimStatistics", dependencies: ["_COpenBLAS"]),
        /// Areas, demand and journeys, and the engine that runs one replication of them.
        .target(name: "SimModel", dependencies: ["SimKernel", "SimStatistics"]),
        /// The expression language of expectations and targets: `p95(lead_time) <= 5d`.
        .target(name: "SimExpressions", dependencies: ["SimModel"]),
        /// YAML scenario files → validated models, with compiler-style diagnostics.
        .target(
            name: "SimScenario",
            dependencies: [
                "SimModel", "SimExpressions", .product(name: "Yams", package: "Yams"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
        /// Replications in parallel, reduced in replication order; summaries with intervals.
        .target(name: "SimExperiment", dependencies: ["SimModel", "SimExpressions", "SimStatistics"]),
        /// Capacity planning: the cheapest staffing that meets targets, the most demand a staffing serves.
        .target(name: "SimPlan", dependencies: ["SimExperiment", "SimExpressions", "SimModel", "SimStatistics"]),
        /// The CI gate's decisions: expectations judged, figures compared with a recorded
        /// baseline, the scenarios of a folder to check.
        .target(name: "SimGate", dependencies: ["SimExperiment", "SimExpressions", "SimScenario", "SimModel", "SimKernel", "SimStatistics"]),
        /// Text, JSON, CSV, HTML and JUnit renderings of results; renders only.
        .target(name: "SimReport", dependencies: ["SimExperiment", "SimExpressions", "SimGate", "SimPlan", "SimScenario", "SimModel", "SimKernel", "SimStatistics"]),
        /// The command-line tool: parses arguments, prints, sets exit codes. Nothing else.
        .executableTarget(
            name: "procsim",
            dependencies: [
                "SimReport", "SimGate", "SimPlan", "SimExperiment", "SimScenario", "_CArguments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            plugins: ["BuildInfoPlugin"]),
        /// Writes the git commit into the executable at build time, for `procsim --version`.
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),

        // MARK: - Implementation details

        /// The process's arguments as the C runtime passed them (the static Swift runtime reads
        /// them from /proc, which a bare container may not have).
        .target(name: "_CArguments", path: "Sources/_CArguments"),
        /// OpenBLAS (CBLAS and the Fortran LAPACK symbols) on Linux. No Swift API of its own.
        .systemLibrary(
            name: "_COpenBLAS", path: "Sources/_COpenBLAS",
            providers: [.apt(["libopenblas-dev"])]),

        // MARK: - Tests

        .target(name: "_SimTestSupport", path: "Tests/_SimTestSupport"),
        .testTarget(name: "SimKernelTests", dependencies: ["SimKernel", "SimStatistics", "_SimTestSupport"]),
        .testTarget(name: "SimStatisticsTests", dependencies: ["SimStatistics", "_SimTestSupport"]),
        .testTarget(
            name: "SimModelTests",
            dependencies: ["SimModel", "SimScenario", "SimExperiment", "_SimTestSupport"]),
        .testTarget(name: "SimExpressionsTests", dependencies: ["SimExpressions", "SimModel"]),
        .testTarget(
            name: "SimScenarioTests",
            dependencies: [
                "SimScenario", "SimExperiment", "SimModel", "SimExpressions",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ProcsimCLITests", dependencies: ["SimReport", "SimGate", "SimPlan", "SimExperiment", "SimScenario", "_SimTestSupport"],
            exclude: ["Corpus"]),
    ]
)

// Coverage-guided fuzzers (scripts/fuzz.sh; never in CI): declared only when asked for, since
// they link libFuzzer's `main` and build only with -sanitize=fuzzer.
if Context.environment["PROCSIM_FUZZ"] != nil {
    package.targets += [
        .executableTarget(name: "FuzzScenario", dependencies: ["SimScenario"], path: "Fuzz/Scenario"),
        .executableTarget(name: "FuzzExpression", dependencies: ["SimExpressions", "SimScenario"], path: "Fuzz/Expression"),
    ]
}
