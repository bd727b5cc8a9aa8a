import PatchData

/// Summary statistics of an idealised record: open and shut time lists, open probability and
/// bursts.
///
/// The first and last interval of every segment are censored (their true start or end is not
/// seen), so they are left out of the time lists; they still count towards `popen`. Intervals
/// flagged `unusable` are left out everywhere and end a burst.
public struct DwellStatistics: Sendable, Equatable {
    /// Open times (s) per level (conductance class or number of open channels), keyed by level > 0.
    public var openTimes: [Int: [Double]]
    /// Shut times (s), level 0.
    public var shutTimes: [Double]
    /// Fraction of the (usable) time spent at any level > 0.
    public var popen: Double
    /// Mean number of open channels (time-weighted mean level): N·Po for a patch of N channels.
    public var meanOpenLevel: Double
    /// Bursts: runs of openings separated by shut times longer than `tCrit` (empty if no tCrit).
    public var bursts: [Burst]
    /// The critical shut time that split the bursts, in seconds (nil: no burst analysis).
    public var tCrit: Double?

    /// All open times regardless of level.
    public var allOpenTimes: [Double] { openTimes.keys.sorted().flatMap { openTimes[$0] ?? [] } }

    public init(_ sequence: DwellSequence, tCrit: Double? = nil) {
        var open: [Int: [Double]] = [:], shut: [Double] = []
        var total = 0.0, openTime = 0.0, levelTime = 0.0
        var bursts: [Burst] = []
        let d = sequence.dwells
        for range in sequence.segmentRanges {
            var burst: Burst? = nil
            for i in range {
                let dw = d[i]
                if dw.flags.contains(.unusable) {
                    if let b = burst { bursts.append(b) }
                    burst = nil
                    continue
                }
                total += dw.duration
                if dw.isOpen { openTime += dw.duration; levelTime += Double(dw.level) * dw.duration }
                let censored = i == range.lowerBound || i == range.upperBound - 1
                if !censored {
                    if dw.isOpen { open[dw.level, default: []].append(dw.duration) } else { shut.append(dw.duration) }
                }
                guard let tCrit else { continue }
                if dw.isOpen {
                    if burst == nil { burst = Burst(firstDwell: i, dwellCount: 0, openings: 0, length: 0, openTime: 0) }
                    burst!.add(dw, index: i)
                } else if var b = burst {
                    if dw.duration > tCrit || i == range.upperBound - 1 {
                        bursts.append(b); burst = nil
                    } else {
                        b.add(dw, index: i); burst = b
                    }
                }
            }
            if let b = burst { bursts.append(b) }
        }
        self.openTimes = open
        self.shutTimes = shut
        self.popen = total > 0 ? openTime / total : 0
        self.meanOpenLevel = total > 0 ? levelTime / total : 0
        self.bursts = bursts
        self.tCrit = tCrit
    }
}

/// A burst of openings: openings separated by shut times no longer than t_crit.
public struct Burst: Sendable, Equatable {
    /// Index in the dwell sequence of the burst's first opening.
    public var firstDwell: Int
    /// Number of intervals (openings and the gaps between them).
    public var dwellCount: Int
    /// Number of openings.
    public var openings: Int
    /// Burst length: first opening start to last opening end, in seconds.
    public var length: Double
    /// Total open time within the burst, in seconds.
    public var openTime: Double

    /// Popen within the burst.
    public var popen: Double { length > 0 ? openTime / length : 0 }

    mutating func add(_ d: Dwell, index: Int) {
        dwellCount = index - firstDwell + 1
        length += d.duration
        if d.isOpen { openings += 1; openTime += d.duration }
    }
}
