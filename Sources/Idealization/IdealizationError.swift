import SignalProcessing

/// What can stop an idealisation. Each case names what is wrong in words a user can act on.
public enum IdealizationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The record (or the chosen channel) holds no samples.
    case emptyRecord
    /// Samples are NaN or infinite (`count` of them, the first at sample `index`).
    case nonFiniteSamples(index: Int, count: Int)
    /// Every sample has the same value: there is nothing to idealise.
    case constantRecord(value: Double)
    /// More levels were asked for than the data support (`reason` says how that showed).
    case tooManyLevels(requested: Int, supported: Int, reason: String)
    /// The channel index is not in the recording.
    case channelOutOfRange(requested: Int, available: Int)
    /// A setting is out of range; the text names it.
    case invalidSetting(String)
    /// A signal-conditioning step failed.
    case signalProcessing(SignalProcessingError)

    public var description: String {
        switch self {
        case .emptyRecord: return "the record holds no samples"
        case let .nonFiniteSamples(i, c): return "\(c) sample(s) are NaN or infinite (first at sample \(i)); cut or repair them first"
        case let .constantRecord(v): return "every sample equals \(v): a constant record has no openings to idealise"
        case let .tooManyLevels(r, s, why): return "\(r) levels requested but the data support at most \(s): \(why)"
        case let .channelOutOfRange(r, a): return "channel \(r) requested but the recording has \(a) channel(s) (numbered from 0)"
        case let .invalidSetting(s): return s
        case let .signalProcessing(e): return "signal conditioning failed: \(e)"
        }
    }

    /// Validates samples: non-empty, finite, not constant.
    static func check(_ x: [Double]) throws {
        guard let first = x.first else { throw emptyRecord }
        var bad = -1, count = 0, varies = false
        for i in x.indices {
            if !x[i].isFinite { if bad < 0 { bad = i }; count += 1 } else if x[i] != first { varies = true }
        }
        if count > 0 { throw nonFiniteSamples(index: bad, count: count) }
        if !varies { throw constantRecord(value: first) }
    }
}
