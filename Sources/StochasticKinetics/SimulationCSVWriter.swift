// CSV output of simulated trajectories (events or grid values); the CLI writes it with `AtomicFile`.
import Foundation

/// Formats ensembles as CSV for `patchfit simulate`.
public struct SimulationCSVWriter: Sendable {
    public let network: ReactionNetwork

    public init(network: ReactionNetwork) { self.network = network }

    /// Event CSV: `trajectory,time,reaction,<species…>`; the first row of each trajectory is its
    /// initial state (time 0, reaction empty), then one row per event with the state after it.
    /// - Throws: simulation errors (e.g. `stepLimitExceeded` past `eventLimit` events).
    public func eventCSV(tEnd: Double, trajectories: Int, seed: UInt64, eventLimit: Int,
                         progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> String {
        let ensemble = try EnsembleSimulator(network: network)
        let paths = try ensemble.simulate(trajectories: trajectories, horizon: .time(tEnd, eventLimit: eventLimit),
                                          seed: seed, progress: progress)
        var out = "trajectory,time,reaction," + network.species.joined(separator: ",") + "\n"
        for (i, path) in paths.enumerated() {
            var x = path.initialState
            out += "\(i),0,," + x.map(String.init).joined(separator: ",") + "\n"
            for n in 0..<path.eventCount {
                let r = Int(path.reactions[n])
                for term in network.reactions[r].netChange { x[term.species] += term.count }
                out += "\(i),\(path.eventTimes[n]),\(network.reactions[r].name)," + x.map(String.init).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// Grid CSV: `trajectory,time,<species…>` at t = 0, step, 2·step, … ≤ tEnd.
    public func gridCSV(step: Double, tEnd: Double, trajectories: Int, seed: UInt64,
                        progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> String {
        let count = Int((tEnd / step).rounded(.down)) + 1
        let grid = (0..<count).map { Double($0) * step }
        let sim = DirectMethodSimulator(network: network)
        let s = network.speciesCount
        let rows = try ParallelEnsemble.map(count: trajectories, progress: progress) { i in
            try sim.simulateOnGrid(grid: grid, seed: seed, index: i)
        }
        var out = "trajectory,time," + network.species.joined(separator: ",") + "\n"
        for (i, values) in rows.enumerated() {
            for g in 0..<count {
                out += "\(i),\(grid[g])," + values[g * s..<(g + 1) * s].map(String.init).joined(separator: ",") + "\n"
            }
        }
        return out
    }
}
