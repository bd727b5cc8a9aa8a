import Foundation
import Idealization
import PatchData
import StochasticKinetics

/// One simulated record seen as the data are: its open-channel (or class) levels, the
/// resolution imposed by the same rule as the data's (`ResolutionImposition`), and, for each
/// resolved interval, the trajectory segments it spans — so that a loss on resolved durations
/// can hand its gradient back to the event times of the simulation.
struct SimulatedRecord: Sendable {
    /// The resolved intervals (one segment).
    var resolved: DwellSequence
    /// First and last trajectory segment of each resolved interval.
    var firstSegment: [Int]
    var lastSegment: [Int]
    /// The observable (level) on every trajectory segment.
    var segmentLevels: [Double]
    /// Start time (s) of each resolved interval.
    var startTimes: [Double]
    /// Whether intervals are traced to trajectory segments (not for observed records).
    var traced: Bool { firstSegment.count == resolved.count }

    /// - Throws: `invalidArgument` if the resolved intervals cannot be traced back to the
    ///   simulated ones (which would mean the imposition rule changed under this code).
    init(_ path: Trajectory, network: ReactionNetwork, observable: Observable, resolution: Double) throws {
        let series = path.observableSeries(observable, network: network)
        segmentLevels = series
        let raw = TrajectoryStatistics.dwells(path, series: series)
        let dwells = raw.map { Dwell(level: Int($0.level.rounded()), amplitude: $0.level, duration: $0.duration) }
        let provenance = Provenance(file: "simulated", format: .synthetic)
        resolved = try ResolutionImposition.impose(DwellSequence(dwells: dwells, provenance: provenance), resolution: resolution)
        firstSegment = []
        lastSegment = []
        startTimes = []
        firstSegment.reserveCapacity(resolved.count)
        lastSegment.reserveCapacity(resolved.count)
        // The imposition drops the unresolvable intervals before the first resolvable one, then
        // each resolved interval is a run of consecutive raw intervals summed in order — so
        // summing the same run in the same order reproduces its duration bit for bit.
        var j = 0
        while j < raw.count && raw[j].duration < resolution { j += 1 }
        for r in resolved.dwells {
            guard j < raw.count else { throw Self.lost() }
            var sum = raw[j].duration
            var k = j + 1
            while sum != r.duration && k < raw.count { sum += raw[k].duration; k += 1 }
            guard sum == r.duration else { throw Self.lost() }
            firstSegment.append(raw[j].firstSegment)
            lastSegment.append(raw[k - 1].lastSegment)
            startTimes.append(path.segmentStart(raw[j].firstSegment))
            j = k
        }
    }

    /// A record seen through an observation (rendered and idealised): resolved intervals with
    /// start times, no segment tracing. The intervals end at `duration`, so the first starts at
    /// `duration` − their total.
    init(observed: DwellSequence, duration: Double, segmentLevels: [Double]) {
        resolved = observed
        firstSegment = []
        lastSegment = []
        self.segmentLevels = segmentLevels
        var t = duration - observed.totalDuration
        startTimes = observed.dwells.map { d in defer { t += d.duration }; return t }
    }

    /// Indices of the resolved intervals the loss compares (`ComparedDwells.keeps`).
    func keptIntervals(tCrit: Double?) -> [Int] {
        let range = 0..<resolved.count
        return range.filter { ComparedDwells.keeps(resolved.dwells, $0, in: range, tCrit: tCrit) }
    }

    static func lost() -> GatingModelsError {
        .invalidArgument(name: "simulation", reason: "resolved simulated intervals do not match the simulated ones")
    }
}

/// Dwell sequences simulated from a scheme with known rates — synthetic truth for tests and
/// benchmarks of the fitting routes.
public enum SchemeSimulation {
    /// One record of `duration` s from `channels` channels started at equilibrium, as a dwell
    /// sequence of open-channel levels (one channel: conductance classes), with `resolution`
    /// imposed when it is > 0. Amplitudes are level × the first open state's amplitude.
    public static func dwellSequence(_ scheme: GatingScheme, conditions: RecordConditions, channels: Int,
                                     duration: Double, resolution: Double, seed: UInt64) throws -> DwellSequence {
        let net = try SchemeNetwork(scheme, conditions: conditions, channels: channels)
        let occupancy = try scheme.qMatrix(conditions).equilibriumOccupancies()
        var draw = RandomStream(seed: seed, stream: 1 << 40)
        let x0 = SchemeNetwork.equilibriumStart(occupancy: occupancy, channels: channels, draw: &draw)
        let path = try DirectMethodSimulator(network: net.network).simulate(horizon: .time(duration), seed: seed, initialState: x0)
        let observable = SchemeNetwork.levelObservable(scheme, channels: channels)
        let unit = scheme.states.first(where: \.isOpen)?.amplitude ?? 1
        let raw = TrajectoryStatistics.dwells(path, series: path.observableSeries(observable, network: net.network))
        let dwells = raw.map { Dwell(level: Int($0.level.rounded()), amplitude: $0.level * unit, duration: $0.duration) }
        let sequence = DwellSequence(dwells: dwells, provenance: Provenance(file: "simulated-\(scheme.name)-\(channels)ch", format: .synthetic))
        return resolution > 0 ? try ResolutionImposition.impose(sequence, resolution: resolution) : sequence
    }
}
