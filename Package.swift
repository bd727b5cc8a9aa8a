// swift-tools-version:6.0
// PatchFit: single-channel patch-clamp recordings → idealised dwells → fitted gating schemes → reports.
// Module layout and dependency direction: ../shared/ARCHITECTURE.md §2.
import PackageDescription

let package = Package(
    name: "PatchFit",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "patchfit", targets: ["patchfit"]),
        .library(name: "PatchData", targets: ["PatchData"]),
        .library(name: "StochasticKinetics", targets: ["StochasticKinetics"]),
        .library(name: "GatingModels", targets: ["GatingModels"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        // MARK: C libraries (Debian -dev packages)
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CLAPACK", path: "Sources/CLAPACK", pkgConfig: "lapacke",
                       providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]),
        .systemLibrary(name: "CNLopt", path: "Sources/CNLopt", pkgConfig: "nlopt",
                       providers: [.apt(["libnlopt-dev"])]),

        // MARK: Library modules (all logic lives here)
        .target(name: "PatchData", dependencies: ["CHDF5"], exclude: ["README.md"]),
        .target(name: "SignalProcessing", dependencies: ["PatchData", "CFFTW"], exclude: ["README.md"]),
        .target(name: "Idealization", dependencies: ["PatchData", "SignalProcessing"], exclude: ["README.md"]),
        .target(name: "StochasticKinetics", dependencies: [.product(name: "Yams", package: "Yams")], exclude: ["README.md"]),
        .target(name: "GatingModels", dependencies: [
            "PatchData", "Idealization", "StochasticKinetics", "CLAPACK", "CNLopt",
            .product(name: "Yams", package: "Yams"),
        ], exclude: ["README.md"]),
        .target(name: "Reports", dependencies: ["PatchData"], exclude: ["README.md"]),
        .target(name: "Pipeline", dependencies: [
            "PatchData", "SignalProcessing", "Idealization", "StochasticKinetics", "GatingModels", "Reports",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], exclude: ["README.md"]),
        .executableTarget(name: "patchfit", dependencies: [
            "Pipeline", "PatchData", "SignalProcessing", "Idealization", "StochasticKinetics", "GatingModels", "Reports",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Tests (one target per module)
        // Test-only helpers shared by test targets: child processes with deadlines, a seeded generator for test signals.
        .target(name: "PatchFitTestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "PatchDataTests", dependencies: ["PatchData", "PatchFitTestSupport"]),
        .testTarget(name: "SignalProcessingTests", dependencies: ["SignalProcessing", "PatchData", "PatchFitTestSupport"]),
        .testTarget(name: "IdealizationTests", dependencies: ["Idealization", "SignalProcessing", "PatchData", "PatchFitTestSupport"]),
        .testTarget(name: "StochasticKineticsTests", dependencies: ["StochasticKinetics"]),
        .testTarget(name: "GatingModelsTests", dependencies: ["GatingModels", "StochasticKinetics", "PatchData"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "PatchFitTestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "PatchData", "Idealization", "StochasticKinetics", "GatingModels", "Reports",
                                                        "patchfit", "PatchFitTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
