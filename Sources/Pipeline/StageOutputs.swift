import Foundation
import PatchData
import Reports

/// What the idealise stage leaves in the cache: the dwell list and what the report draws.
struct IdealiseOutput: Codable, Sendable {
    var levels: [Int]
    var amplitudes: [Double]
    var durations: [Double]
    var flags: [UInt8]
    var segmentStarts: [Int]
    var resolution: Double?
    var sampleInterval: Double?
    var levelCurrents: [Double]
    var levelSDs: [Double]
    /// Per-sample transition probabilities of the converged level model (class order); nil for
    /// idealised files and caches written before they were kept.
    var transitionProbabilities: [[Double]]?
    var closedNoiseRMS: Double?
    var popen: Double
    var trace: TraceExcerpt?
    var amplitudeHistogram: AmplitudeHistogram?
    var warnings: [String]
    var settings: [Setting]

    init(dwells d: DwellSequence, levelCurrents: [Double], levelSDs: [Double], transitionProbabilities: [[Double]]? = nil,
         closedNoiseRMS: Double?, popen: Double,
         trace: TraceExcerpt?, amplitudeHistogram: AmplitudeHistogram?, warnings: [String], settings: [Setting]) {
        levels = d.dwells.map(\.level)
        amplitudes = d.dwells.map(\.amplitude)
        durations = d.dwells.map(\.duration)
        flags = d.dwells.map(\.flags.rawValue)
        segmentStarts = d.segmentStarts
        resolution = d.resolution
        sampleInterval = d.sampleInterval
        self.levelCurrents = levelCurrents
        self.levelSDs = levelSDs
        self.transitionProbabilities = transitionProbabilities
        self.closedNoiseRMS = closedNoiseRMS
        self.popen = popen
        self.trace = trace
        self.amplitudeHistogram = amplitudeHistogram
        self.warnings = warnings
        self.settings = settings
    }

    func dwellSequence(provenance: Provenance) -> DwellSequence {
        let dwells = levels.indices.map {
            Dwell(level: levels[$0], amplitude: amplitudes[$0], duration: durations[$0], flags: DwellFlags(rawValue: flags[$0]))
        }
        return DwellSequence(dwells: dwells, segmentStarts: segmentStarts, resolution: resolution,
                             sampleInterval: sampleInterval, provenance: provenance)
    }
}

/// What the fit stage leaves in the cache: everything the report shows about the fit.
struct FitOutput: Codable, Sendable {
    /// The route and, after a colon, what it maximised or minimised (`KineticFitResult.method`).
    var route: String
    var rates: [RateRow]
    var logLikelihood: Double?
    var rSquared: [LabelledValue]
    var rSquaredCeiling: [LabelledValue] = []
    var iterations: Int
    var wallSeconds: Double
    var dwellHistograms: [DwellHistogram]
    var scheme: SchemeDiagram?
    var fittedSchemeYAML: String
    var lossCurve: LossCurve?
    var notes: [String]
}

/// One recording's result as the batch index needs it (also written as `status.json`).
public struct RecordingOutcome: Codable, Sendable, Equatable {
    public var name: String
    public var input: String
    public var ok: Bool
    public var message: String
    public var popen: Double?
    public var worstRSquared: Double?
    public var reportFolder: String?

    /// Writes the outcome as `status.json` in `folder` (atomically): what `merge` reads.
    func write(to folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: (folder as NSString).appendingPathComponent("status.json"))
    }
}

extension RecordingOutcome {
    /// One line per recording for the terminal after a run — name, status, Popen, worst R² — so
    /// that a batch can be scanned without opening the index. Failed recordings' reasons follow
    /// on standard error.
    public static func table(_ outcomes: [RecordingOutcome]) -> String {
        let width = max(9, outcomes.map(\.name.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        func number(_ x: Double?, _ format: String) -> String { x.map { String(format: format, $0) } ?? "—" }
        var lines = [pad("recording", width) + "  " + pad("status", 6) + "  " + pad("Popen", 6) + "  worst R²"]
        for o in outcomes {
            lines.append(pad(o.name, width) + "  " + pad(o.ok ? "ok" : "failed", 6) + "  " + pad(number(o.popen, "%.4f"), 6) + "  "
                         + number(o.worstRSquared, "%.3f"))
        }
        return lines.joined(separator: "\n")
    }
}
