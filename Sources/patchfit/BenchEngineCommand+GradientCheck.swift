import ArgumentParser
import Foundation
import StochasticKinetics

extension BenchEngineCommand {
    /// `--gradient-check`: the oscillator (or dimerization) fit's straight-through gradient at its
    /// start beside finite differences, one line per fitted rate.
    func runGradientCheck() throws {
        let problem = try benchmarkProblem(fitModel ?? "oscillator")
        let check = try problem.gradientCheck(targetTrajectories: fitTarget ?? checkTrajectories, trajectories: checkTrajectories,
                                              step: checkStep, seed: fitSeed)
        let o = problem.options
        print("\(fitModel ?? "oscillator") at the start (\(zip(problem.fitted, problem.startFactors).map { "\($0) × \($1)" }.joined(separator: ", "))): "
              + "loss \(String(format: "%.6g", check.loss)), \(check.trajectories) trajectories, h \(check.step); "
              + "softmax \(o.relaxation.rawValue), τ \(o.temperature), K \(o.truncation.map(String.init) ?? "none")")
        for k in check.parameters.indices {
            print(String(format: "  %-8@ straight-through %+11.4g  finite difference %+11.4g  %@", check.parameters[k],
                         check.straightThrough[k], check.finiteDifference[k], check.signsAgree[k] ? "same sign" : "OPPOSITE SIGN"))
        }
    }
}
