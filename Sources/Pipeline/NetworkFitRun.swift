import Foundation
import Reports
import StochasticKinetics

/// The seed paper's synthetic benchmarks as a pipeline: simulate a reaction network with its
/// true parameters, then recover the named parameters from a wrong start by gradient descent
/// through the differentiable SSA, and report truth against fit with the loss curve.
struct NetworkFitRun {
    let spec: PipelineSpec

    func run() throws -> RecordingOutcome {
        guard let n = spec.network else { throw PipelineError(file: spec.file, key: "network", reason: "missing section") }
        throw PipelineError(file: spec.file, key: "network", reason: "network-fit pipelines are not wired to the engine yet (model \(n.model))")
    }
}
