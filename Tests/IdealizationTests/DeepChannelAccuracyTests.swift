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

    /// Three or four of the five channels are open most of the time, so the automatic open
    /// direction takes the all-open level (18 % of samples) for shut. It cannot know better, but it
    /// says so; with the direction given there is no warning and the record reads the right way up.
    func testAutomaticOpenDirectionWarnsWhenTheShutLevelIsAMinority() throws {
        let data = try DeepChannelData.trace("5ch_drift_outfinaltest985sined.csv")
        var settings = IdealisationSettings()
        settings.levelCount = 6
        let auto = try Idealiser.idealise(samples: data.current, sampleInterval: data.sampleInterval, settings: settings)
        let warning = auto.warnings.first { $0.hasPrefix("open direction chosen automatically") }
        XCTAssertNotNil(warning, "\(auto.warnings)")
        XCTAssertTrue(warning?.contains("18 % of samples") == true && warning?.hasSuffix("set the open direction to up") == true,
                      warning ?? "")
        settings.openDirection = .up
        let up = try Idealiser.idealise(samples: data.current, sampleInterval: data.sampleInterval, settings: settings)
        XCTAssertFalse(up.warnings.contains { $0.hasPrefix("open direction") }, "\(up.warnings)")
        XCTAssertGreaterThan(DeepChannelData.accuracy(up.samplePath.map(Int.init), data.truth), 0.97)
        XCTAssertLessThan(DeepChannelData.accuracy(auto.samplePath.map(Int.init), data.truth), 0.5)
        // The one-channel record is mostly shut: auto reads it right and stays quiet.
        let one = try DeepChannelData.trace("1ch_outfinaltest10.csv")
        var two = IdealisationSettings()
        two.levelCount = 2
        let single = try Idealiser.idealise(samples: one.current, sampleInterval: one.sampleInterval, settings: two)
        XCTAssertFalse(single.warnings.contains { $0.hasPrefix("open direction") }, "\(single.warnings)")
    }
}
