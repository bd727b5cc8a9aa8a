import Foundation
import Pipeline
import XCTest

final class PipelineSpecTests: XCTestCase {
    let base = CLI.packageRoot.path

    func parse(_ yaml: String) throws -> PipelineSpec {
        try PipelineSpec.parse(yaml, file: "test.yaml", baseFolder: base)
    }

    func assertError(_ yaml: String, line: Int, key: String, contains text: String, file: StaticString = #filePath, lineNumber: UInt = #line) {
        XCTAssertThrowsError(try parse(yaml), file: file, line: lineNumber) { error in
            guard let e = error as? PipelineError else { return XCTFail("\(error)", file: file, line: lineNumber) }
            XCTAssertEqual(e.line, line, e.description, file: file, line: lineNumber)
            XCTAssertEqual(e.key, key, e.description, file: file, line: lineNumber)
            XCTAssertTrue(e.description.contains(text), e.description, file: file, line: lineNumber)
            XCTAssertTrue(e.description.hasPrefix("test.yaml:\(line)"), e.description, file: file, line: lineNumber)
        }
    }

    func testAMinimalRecordingsPipeline() throws {
        let spec = try parse("""
            name: lab
            inputs: [recordings/*.abf, more/]
            condition:
              filter_hz: 2000
              notch: auto
            idealise:
              method: threshold
              levels: 3
              resolution: 50e-6
              open_direction: down
              transition_times: samples
            """)
        XCTAssertEqual(spec.kind, .recordings)
        XCTAssertEqual(spec.output, "Reports/lab")
        XCTAssertEqual(spec.inputs, ["recordings/*.abf", "more/"])
        XCTAssertEqual(spec.condition.filterHz, 2000)
        XCTAssertEqual(spec.condition.notch, "auto")
        XCTAssertEqual(spec.idealise.levels, 3)
        XCTAssertEqual(spec.idealise.resolution, 50e-6)
        XCTAssertEqual(spec.idealise.openDirection, "down")
        XCTAssertEqual(spec.idealise.transitionTimes, "samples")
        XCTAssertEqual(try parse("name: x\ninputs: [a.abf]\n").idealise.transitionTimes, "interpolated")
        XCTAssertEqual(spec.channel, .firstCurrent)
        XCTAssertEqual(try parse("name: x\ninputs: [a.abf]\nfit:\n  scheme: Data/schemes/cco.yaml\n  channels: 12\n  patch_correction: hjc\n")
                        .fit?.patchCorrection, "hjc")
        XCTAssertEqual(try parse("name: x\ninputs: [a.abf]\nfit:\n  scheme: Data/schemes/cco.yaml\n").fit?.patchCorrection, "exact")
    }

    func testMistakesNameTheirLineAndKey() {
        assertError("name: x\ninputs: [a.abf]\ncondition:\n  filter_hz: 2000\n  notch: 55\n", line: 5, key: "condition.notch", contains: "expected one of")
        assertError("name: x\ninputs: [a.abf]\nidealise:\n  methd: skm\n", line: 4, key: "idealise.methd", contains: "unknown key")
        assertError("name: x\ninputs: [a.abf]\ncondition:\n  filter_hz: -3\n", line: 4, key: "condition.filter_hz", contains: "greater than 0")
        assertError("name: x\ninputs: [a.abf]\nidealise:\n  levels: one\n", line: 4, key: "idealise.levels", contains: "whole number")
        assertError("name: x\ninputs: [a.abf]\nfit:\n  scheme: Data/schemes/nope.yaml\n", line: 4, key: "fit.scheme", contains: "file not found")
        assertError("name: x\ninputs: [a.abf]\nfit:\n  scheme: Data/schemes/cco.yaml\n  gradient: magic\n", line: 5, key: "fit.gradient", contains: "expected one of")
        assertError("name: x\ninputs: [a.abf]\nfit:\n  scheme: Data/schemes/cco.yaml\n  patch_correction: second-order\n", line: 5,
                    key: "fit.patch_correction", contains: "expected one of")
        assertError("name: x\ninputs: [a.abf]\nidealise:\n  open_direction: sideways\n", line: 4, key: "idealise.open_direction", contains: "expected one of")
        assertError("name: x\ninputs: [a.abf]\nidealise:\n  transition_times: rounded\n", line: 4, key: "idealise.transition_times",
                    contains: "expected one of")
        assertError("name: bad name!\ninputs: [a.abf]\n", line: 1, key: "name", contains: "letters, digits")
        assertError("name: x\nkind: synthetic-channel\n", line: 2, key: "kind", contains: "needs a 'synthetic' section")
    }

    /// The network-fit section's surrogate settings: defaults, explicit values, and mistakes.
    func testNetworkFitSurrogateSettings() throws {
        let plain = try parse("name: x\nkind: network-fit\nnetwork:\n  benchmark: oscillator\n").network
        XCTAssertEqual(plain?.relaxation, "all")
        XCTAssertEqual(plain?.temperature, 0.5)
        let chosen = try parse("name: x\nkind: network-fit\nnetwork:\n  benchmark: oscillator\n  relaxation: runner-up\n  temperature: 0.25\n").network
        XCTAssertEqual(chosen?.relaxation, "runner-up")
        XCTAssertEqual(chosen?.temperature, 0.25)
        assertError("name: x\nkind: network-fit\nnetwork:\n  benchmark: oscillator\n  relaxation: fastest\n", line: 5,
                    key: "network.relaxation", contains: "expected one of")
        assertError("name: x\nkind: network-fit\nnetwork:\n  benchmark: oscillator\n  temperature: 0\n", line: 5,
                    key: "network.temperature", contains: "greater than 0")
        assertError("name: x\nkind: network-fit\nnetwork:\n  benchmark: oscillator\n  temperature: hot\n", line: 5,
                    key: "network.temperature", contains: "expected a number")
    }

    /// The oscillator's fitted rates, their start factors and a curriculum; mistakes name the key.
    func testNetworkFitRatesStartsAndCurriculum() throws {
        let plain = try parse("name: x\nkind: network-fit\nnetwork:\n  benchmark: oscillator\n").network
        XCTAssertNil(plain?.parameters)
        XCTAssertNil(plain?.startFactors)
        XCTAssertEqual(plain?.horizons, [])
        let four = try parse("""
            name: x
            kind: network-fit
            network:
              benchmark: oscillator
              parameters: [betaA, deltaA, betaR, deltaR]
              start_factors: [1.3, 0.75, 1.3, 0.75]
              horizons: [3, 6, 9]

            """).network
        XCTAssertEqual(four?.parameters, ["betaA", "deltaA", "betaR", "deltaR"])
        XCTAssertEqual(four?.startFactors, [1.3, 0.75, 1.3, 0.75])
        XCTAssertEqual(four?.horizons, [3, 6, 9])
        let head = "name: x\nkind: network-fit\nnetwork:\n  benchmark: oscillator\n"
        assertError(head + "  parameters: [betaA, gamma]\n", line: 5, key: "network.parameters", contains: "no rate gamma")
        assertError(head + "  parameters: [betaA, betaA]\n", line: 5, key: "network.parameters", contains: "distinct")
        assertError(head + "  parameters: [betaA, deltaR]\n  start_factors: [1.3]\n", line: 6, key: "network.start_factors",
                    contains: "one positive start factor per fitted rate (2)")
        assertError(head + "  start_factors: [1.3, -1]\n", line: 5, key: "network.start_factors", contains: "positive")
        assertError(head + "  horizons: [3, 0]\n", line: 5, key: "network.horizons", contains: "positive")
        assertError(head + "  horizons: [3, soon]\n", line: 5, key: "network.horizons", contains: "expected numbers")
        // A stage needs a window that ends by its horizon; refused at load, not when the run starts.
        assertError(head + "  horizons: [0.5, 6]\n", line: 5, key: "network.horizons",
                    contains: "no window ends by the curriculum horizon 0.5 (the first ends at 1.0)")
        assertError("name: x\nkind: network-fit\nnetwork:\n  benchmark: dimerization\n  horizons: [0.01]\n", line: 5,
                    key: "network.horizons", contains: "no window ends by the curriculum horizon 0.01 (the first ends at 0.05)")
        XCTAssertEqual(try parse("name: x\nkind: network-fit\nnetwork:\n  benchmark: dimerization\n  horizons: [0.1, 50]\n")
            .network?.horizons, [0.1, 50])
        assertError("name: x\nkind: network-fit\nnetwork:\n  benchmark: dimerization\n  parameters: [kf]\n", line: 5,
                    key: "network.parameters", contains: "oscillator only")
    }

    func testInvalidYamlReportsALine() {
        XCTAssertThrowsError(try parse("name: x\ninputs: [a.abf\ncondition: {\n")) { error in
            XCTAssertNotNil((error as? PipelineError)?.line)
            XCTAssertTrue((error as? PipelineError)?.reason.contains("not valid YAML") ?? false)
        }
    }

    func testShardsPartitionTheFiles() {
        let files = (0..<10).map { "f\($0)" }
        let shards = (0..<3).map { Shard(index: $0, count: 3).select(files) }
        XCTAssertEqual(shards.flatMap { $0 }.sorted(), files.sorted())
        XCTAssertEqual(shards[1], ["f1", "f4", "f7"])
        XCTAssertNil(Shard("3/3"))
        XCTAssertNil(Shard("-1/3"))
        XCTAssertEqual(Shard("2/5"), Shard(index: 2, count: 5))
    }

    func testCacheKeysChangeWithEachIngredient() {
        struct S: Encodable { var a: Double; var b: String }
        let k = StageCache.key(stage: "fit", inputHash: "abc", settings: S(a: 1, b: "x"))
        XCTAssertEqual(k, StageCache.key(stage: "fit", inputHash: "abc", settings: S(a: 1, b: "x")))
        XCTAssertNotEqual(k, StageCache.key(stage: "idealise", inputHash: "abc", settings: S(a: 1, b: "x")))
        XCTAssertNotEqual(k, StageCache.key(stage: "fit", inputHash: "abd", settings: S(a: 1, b: "x")))
        XCTAssertNotEqual(k, StageCache.key(stage: "fit", inputHash: "abc", settings: S(a: 1.0000001, b: "x")))
        XCTAssertEqual(k.count, 64)
        // SHA-256 of the empty input, a known vector.
        XCTAssertEqual(StageCache.hash(data: Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testSlurmScriptRunsEveryShardThenMerges() throws {
        let spec = try parse("name: lab\ninputs: [a.abf]\n")
        let script = SlurmScript.text(pipelinePath: "Pipelines/lab.yaml", spec: spec, shards: 4, patchfit: "/opt/patchfit", workingDirectory: "/work")
        XCTAssertTrue(script.contains("--array=0-3"))
        XCTAssertTrue(script.contains("run 'Pipelines/lab.yaml' --shard \\${SLURM_ARRAY_TASK_ID}/4"))
        XCTAssertTrue(script.contains("--dependency=afterok:${array_id}"))
        XCTAssertTrue(script.contains("'/opt/patchfit' merge 'Pipelines/lab.yaml'"))
        XCTAssertTrue(script.contains("bash 'submit-lab.sh'"))
        // A lab's folders have spaces; the script names where it was written.
        let spaced = SlurmScript.text(pipelinePath: "My Data/lab.yaml", spec: spec, shards: 2, patchfit: "/opt/patch fit",
                                      workingDirectory: "/work", scriptPath: "jobs/lab run.sh")
        XCTAssertTrue(spaced.contains("'/opt/patch fit' run 'My Data/lab.yaml' --shard"))
        XCTAssertTrue(spaced.contains("bash 'jobs/lab run.sh'"))
    }
}
