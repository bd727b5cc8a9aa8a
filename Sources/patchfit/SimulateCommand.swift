import ArgumentParser
import Foundation
import PatchData
import StochasticKinetics

/// `patchfit simulate`: exact SSA trajectories of a reaction-network model to CSV.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a reaction-network model (YAML) with the exact SSA and write CSV.",
        discussion: """
        Without --grid-step the CSV lists events: trajectory,time,reaction,<species counts after the event> \
        (one row per trajectory for the initial state at time 0). With --grid-step the CSV lists \
        trajectory,time,<species counts> on the grid 0, dt, 2dt, … ≤ t-end. The file is written \
        to a temporary name and renamed, so an interrupted run never leaves a partial file.
        """
    )

    @Argument(help: "Model file (see Data/models/*.yaml).")
    var model: String

    @Option(help: "Number of trajectories.")
    var trajectories = 1

    @Option(help: "Time horizon (model time units).")
    var tEnd = 1.0

    @Option(help: "Random seed; trajectory i uses stream (seed, i).")
    var seed: UInt64 = 1

    @Option(help: "Record values on a grid of this step instead of events.")
    var gridStep: Double?

    @Option(help: "Maximum events per trajectory (guards against runaway models).")
    var eventLimit = 50_000_000

    @Option(help: "Output CSV file.")
    var out: String

    func validate() throws {
        guard trajectories >= 1 else { throw ValidationError("--trajectories must be ≥ 1") }
        guard tEnd > 0, tEnd.isFinite else { throw ValidationError("--t-end must be a positive number") }
        if let g = gridStep, !(g > 0) || Double(Int(tEnd / g)) > 1e8 {
            throw ValidationError("--grid-step must be positive and give at most 1e8 grid points")
        }
        guard eventLimit > 0 else { throw ValidationError("--event-limit must be positive") }
    }

    func run() throws {
        let network: ReactionNetwork
        do { network = try ReactionNetwork(yaml: try FileContents.text(model)) } catch let error as KineticsError {
            throw ModelFileError(path: model, error: error)
        }
        let writer = SimulationCSVWriter(network: network)
        let progress: @Sendable (Int, Int) -> Void = { done, total in
            if total >= 20 && done % max(1, total / 20) == 0 {
                FileHandle.standardError.write(Data("simulated \(done)/\(total) trajectories\n".utf8))
            }
        }
        let csv: String
        if let g = gridStep {
            csv = try writer.gridCSV(step: g, tEnd: tEnd, trajectories: trajectories, seed: seed, progress: progress)
        } else {
            csv = try writer.eventCSV(tEnd: tEnd, trajectories: trajectories, seed: seed, eventLimit: eventLimit,
                                      progress: progress)
        }
        try AtomicFile.write(csv, to: out)
        let rows = csv.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } - 1
        print("wrote \(out): \(rows) rows (\(trajectories) trajector\(trajectories == 1 ? "y" : "ies"), \(gridStep == nil ? "initial state and one row per event" : "grid values"))")
    }
}

/// A model file's validation error, with the file it is in.
struct ModelFileError: Error, CustomStringConvertible {
    let path: String
    let error: KineticsError
    var description: String { "\(path): \(error)" }
}
