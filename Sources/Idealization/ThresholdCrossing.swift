import Foundation

/// Half-amplitude threshold crossing (Colquhoun & Sigworth 1995): each sample is assigned the
/// level whose band it falls in, the bands split halfway between adjacent levels. With the
/// levels of k channels (0, A, 2A, …) this is the multi-level form for several channels.
public enum ThresholdCrossing {
    /// Level index (0…K−1, in the order of `levels`, which must be ascending) per sample.
    /// A sample exactly on a threshold goes to the lower level.
    public static func classify(_ x: [Double], levels: [Double]) -> [UInt8] {
        levelIndices(x, thresholds: halfwayThresholds(levels))
    }

    /// Single-precision variant for raw stored samples.
    public static func classify(_ x: [Float], levels: [Double]) -> [UInt8] {
        levelIndices(x, thresholds: halfwayThresholds(levels).map { Float($0) })
    }

    /// The thresholds halfway between adjacent levels.
    private static func halfwayThresholds(_ levels: [Double]) -> [Double] {
        (1..<max(1, levels.count)).map { 0.5 * (levels[$0 - 1] + levels[$0]) }
    }

    /// Per sample, the number of thresholds below it. Counting is branch-free and vectorises
    /// (one specialised copy per sample type within the module).
    private static func levelIndices<Sample: BinaryFloatingPoint>(_ x: [Sample], thresholds: [Sample]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: x.count)
        guard !thresholds.isEmpty else { return out }
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                thresholds.withUnsafeBufferPointer { tp in
                    for t in 0..<xp.count {
                        let v = xp[t]
                        var c: UInt8 = 0
                        for h in 0..<tp.count { c &+= v > tp[h] ? 1 : 0 }
                        op[t] = c
                    }
                }
            }
        }
        return out
    }
}
