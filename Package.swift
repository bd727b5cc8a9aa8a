// swift-tools-version:6.0
// PatchFit: single-channel patch-clamp recordings → idealised dwells → fitted gating schemes → reports.
// Module layout and dependency direction: ../shared/ARCHITECTURE.md §2.
import Foundation
import PackageDescription

/// A test target is declared only once its folder holds Swift files, so that a module whose
/// tests have not landed yet does not break `swift test` for the others.
func testTarget(_ name: String, dependencies: [Target.Dependency]) -> [Target] {
    let folder = Context.packageDirectory + "/Tests/" + name
    let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return files.contains { $0.hasSuffix(".swift") } ? [.testTarget(name: name, dependencies: dependencies)] : []
}

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

        // MARK: Library modules (all logic lives here)
        .target(name: "PatchData", dependencies: ["CHDF5"]),
        .target(name: "SignalProcessing", dependencies: ["PatchData", "CFFTW"]),
        .target(name: "Idealization", dependencies: ["PatchData", "SignalProcessing"]),
        .target(name: "StochasticKinetics", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "GatingModels", dependencies: [
            "PatchData", "Idealization", "StochasticKinetics", "CLAPACK",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "Reports", dependencies: ["PatchData"]),
        .target(name: "Pipeline", dependencies: [
            "PatchData", "SignalProcessing", "Idealization", "StochasticKinetics", "GatingModels", "Reports",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "patchfit", dependencies: [
            "Pipeline", "PatchData", "SignalProcessing", "Idealization", "StochasticKinetics", "GatingModels", "Reports",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

    ]
    // MARK: Tests (one target per module)
    + testTarget("PatchDataTests", dependencies: ["PatchData"])
    + testTarget("SignalProcessingTests", dependencies: ["SignalProcessing", "PatchData"])
    + testTarget("IdealizationTests", dependencies: ["Idealization", "SignalProcessing", "PatchData"])
    + testTarget("StochasticKineticsTests", dependencies: ["StochasticKinetics"])
    + testTarget("GatingModelsTests", dependencies: ["GatingModels", "StochasticKinetics", "PatchData"])
    + testTarget("ReportsTests", dependencies: ["Reports"])
    + testTarget("PipelineTests", dependencies: ["Pipeline", "PatchData", "patchfit"]),
    swiftLanguageModes: [.v6]
)
