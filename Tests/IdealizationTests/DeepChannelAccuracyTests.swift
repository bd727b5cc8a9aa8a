import Foundation
import Idealization
import XCTest

/// Per-sample accuracy against the Deep-Channel ground truth (true number of open channels),
/// side by side with QuB's SKM and half-amplitude idealisations of the same records.
final class DeepChannelAccuracyTests: XCTestCase {
    func run(record: String, skm: String, halfAmplitude: String, levels: Int) throws {
        let data = try DeepChannelData.trace(record)
        XCTAssertEqual(data.truth.count, data.current.count)
        var settings = IdealisationSettings()
        settings.levelCount = levels
        settings.openDirection = .up   // Deep-Channel records: openings raise the current
        var accuracies: [String: Double] = [:]
        for method in [IdealisationSettings.Method.skm, .threshold] {
            settings.method = method
            let result = try Idealiser.idealise(samples: data.current, sampleInterval: data.sampleInterval, settings: settings)
            accuracies[method.rawValue] = DeepChannelData.accuracy(result.samplePath.map(Int.init), data.truth)
            print("\(record) \(method): levels \(result.levels.map { String(format: "%.3f", $0) }) sd \(result.levelSDs.map { String(format: "%.3f", $0) }) drift p-p \(String(format: "%.3f", result.driftPeakToPeak)) line \(String(describing: result.lineNoise.lineFrequency)) iterations \(result.iterations)")
        }
        let qubSKM = DeepChannelData.accuracy(try DeepChannelData.levels(skm), data.truth)
        let qubHalf = DeepChannelData.accuracy(try DeepChannelData.levels(halfAmplitude), data.truth)
        print("ACCURACY \(record): PatchFit SKM \(accuracies["skm"]!)  PatchFit threshold \(accuracies["threshold"]!)  QuB SKM \(qubSKM)  QuB half-amplitude \(qubHalf)")
        // The issue's bar: at least QuB's SKM. PatchFit's SKM also clears QuB's half-amplitude
        // idealisation on both records (measured 0.9993 vs 0.9943 and 0.976 vs 0.844).
        XCTAssertGreaterThanOrEqual(accuracies["skm"]!, qubSKM)
        XCTAssertGreaterThanOrEqual(accuracies["skm"]!, qubHalf)
    }

    func testOneChannelRecord() throws {
        try run(record: "1ch_outfinaltest10.csv", skm: "1ch_outfinaltest10v2_SKM.csv",
                halfAmplitude: "1ch_outfinaltest10v2_halfamp.csv", levels: 2)
    }

    func testFiveChannelRecordWithDrift() throws {
        try run(record: "5ch_drift_outfinaltest985sined.csv", skm: "5ch_drift_outfinaltest985sined_SKM.txt",
                halfAmplitude: "5ch_drift_outfinaltest985sined_halfamp.txt", levels: 6)
    }
}
