/// What can be wrong with a record or a setting handed to SignalProcessing.
public enum SignalProcessingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The record holds no samples.
    case emptyRecord
    /// A sample is NaN or infinite; `index` is the first such sample, `count` how many there are.
    case nonFiniteSamples(index: Int, count: Int)
    /// The sample interval is not finite and positive.
    case invalidSampleInterval(Double)
    /// A setting (cut-off, segment length, frequency …) is out of range; the text says which.
    case invalidSetting(String)
    /// The record is too short for the requested analysis.
    case recordTooShort(samples: Int, needed: Int)

    public var description: String {
        switch self {
        case .emptyRecord: return "the record holds no samples"
        case let .nonFiniteSamples(i, c):
            return "\(c) sample(s) are NaN or infinite (first at index \(i))"
        case let .invalidSampleInterval(dt): return "sample interval must be finite and > 0 s, got \(dt)"
        case let .invalidSetting(s): return s
        case let .recordTooShort(n, need): return "record has \(n) samples, needs at least \(need)"
        }
    }

    /// Throws for an empty record, a bad sample interval or any non-finite sample.
    static func check(_ x: [Double], sampleInterval: Double) throws {
        guard !x.isEmpty else { throw emptyRecord }
        guard sampleInterval.isFinite, sampleInterval > 0 else { throw invalidSampleInterval(sampleInterval) }
        var first = -1, count = 0
        for i in x.indices where !x[i].isFinite {
            if first < 0 { first = i }
            count += 1
        }
        if count > 0 { throw nonFiniteSamples(index: first, count: count) }
    }
}
