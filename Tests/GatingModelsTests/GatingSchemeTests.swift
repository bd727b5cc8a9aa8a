import XCTest
import PatchData
import GatingModels

/// Scheme files, constraints and their validation (the bad-input cases give typed errors).
final class GatingSchemeTests: XCTestCase {
    func testShippedSchemesLoad() throws {
        for (file, states, free) in [("ch82.yaml", 5, 9), ("cco.yaml", 3, 4), ("glyr-flip.yaml", 7, 11), ("ch82-hjcfit.yaml", 5, 6)] {
            let s = try GatingScheme(contentsOf: TestPaths.scheme(file))
            XCTAssertEqual(s.states.count, states, file)
            XCTAssertEqual(s.freeRateNames.count, free, file)
        }
    }

    func testMicroscopicReversibilityHoldsAroundTheCycle() throws {
        let s = try GatingScheme(contentsOf: TestPaths.scheme("glyr-flip.yaml"))
        func k(_ n: String) -> Double { s.rateConstants[s.rateIndex(n)!] }
        // AR → AF → A2F → A2R → AR equals the reverse product.
        let forward = k("delta1") * k("kf_plus") * k("gamma2") * k("k_minus2")
        let backward = k("k_plus2") * k("delta2") * k("kf_minus") * k("gamma1")
        XCTAssertEqual(forward / backward, 1, accuracy: 1e-12)
        // CH82's 2k*−2 from MR is 2/3 with the reference rates.
        let c = try GatingScheme(contentsOf: TestPaths.scheme("ch82.yaml"))
        XCTAssertEqual(c.rateConstants[c.rateIndex("k_star_minus2")!], 2.0 / 3, accuracy: 1e-12)
    }

    func testConstraintsFollowTheFreeRates() throws {
        let s = try GatingScheme(contentsOf: TestPaths.scheme("ch82-hjcfit.yaml"))
        let t = try s.with(rates: ["k_minus1": 1234, "k_plus2": 3e8])
        func k(_ n: String) -> Double { t.rateConstants[t.rateIndex(n)!] }
        XCTAssertEqual(k("k_minus2"), 2468, accuracy: 1e-9)
        XCTAssertEqual(k("k_plus1"), 6e8, accuracy: 1)
        XCTAssertEqual(k("k_star_plus2"), 5e7, accuracy: 1e-3)
        XCTAssertThrowsError(try s.with(rates: ["k_minus2": 10])) { e in
            guard case GatingModelsError.inconsistentConstraint = e else { return XCTFail("\(e)") }
        }
    }

    func testYAMLRoundTrip() throws {
        let s = try GatingScheme(contentsOf: TestPaths.scheme("ch82-hjcfit.yaml"))
        let back = try GatingScheme(yaml: s.yamlString())
        XCTAssertEqual(back.rateNames, s.rateNames)
        for (a, b) in zip(back.rateConstants, s.rateConstants) { XCTAssertEqual(a, b, accuracy: 1e-12 * b) }
        XCTAssertEqual(back.freeRateNames, s.freeRateNames)
        XCTAssertEqual(back.longLivedStates, s.longLivedStates)
    }

    // MARK: - Bad input

    let states = """
        states:
          - {name: C1, class: 0}
          - {name: C2, class: 0}
          - {name: O, class: 1, amplitude: 5}
        """

    func testUnreachableStateIsATypedError() {
        let yaml = states + """

            rates:
              - {name: a, from: C1, to: C2, value: 10}
              - {name: b, from: C2, to: C1, value: 10}
            """
        XCTAssertThrowsError(try GatingScheme(yaml: yaml)) { e in
            XCTAssertEqual(e as? GatingModelsError, .unreachableState("O"))
        }
        // One-way connection: reachable, but no way back.
        let oneWay = states + """

            rates:
              - {name: a, from: C1, to: C2, value: 10}
              - {name: b, from: C2, to: C1, value: 10}
              - {name: c, from: C2, to: O, value: 10}
            """
        XCTAssertThrowsError(try GatingScheme(yaml: oneWay)) { e in
            XCTAssertEqual(e as? GatingModelsError, .unreachableState("O"))
        }
    }

    func testInconsistentConstraintsAreTypedErrors() {
        let base = states + """

            rates:
              - {name: a, from: C1, to: C2, value: 10}
              - {name: b, from: C2, to: C1, value: 10}
              - {name: c, from: C2, to: O, value: 10}
              - {name: d, from: O, to: C2, value: 10}
            """
        let cases = [
            // Circular proportionality.
            "constraints:\n  - {rate: a, type: proportional, of: b, factor: 2}\n  - {rate: b, type: proportional, of: a, factor: 2}",
            // Two constraints on one rate.
            "constraints:\n  - {rate: a, type: fixed}\n  - {rate: a, type: proportional, of: b, factor: 2}",
            // MR on a rate that is on no cycle (a linear scheme).
            "constraints:\n  - {rate: d, type: microscopic_reversibility}",
            // Non-positive factor.
            "constraints:\n  - {rate: a, type: proportional, of: b, factor: -1}",
        ]
        for c in cases {
            XCTAssertThrowsError(try GatingScheme(yaml: base + "\n" + c), c) { e in
                guard case GatingModelsError.inconsistentConstraint = e else { return XCTFail("\(c): \(e)") }
            }
        }
        XCTAssertThrowsError(try GatingScheme(yaml: base + "\nconstraints:\n  - {rate: zz, type: fixed}")) { e in
            XCTAssertEqual(e as? GatingModelsError, .unknownRate("zz"))
        }
    }

    func testMRThatWouldDependOnConcentrationIsRejected() {
        let yaml = """
            states:
              - {name: A, class: 0}
              - {name: B, class: 0}
              - {name: O, class: 1}
            rates:
              - {name: ab, from: A, to: B, value: 1.0e6, agonist: true}
              - {name: ba, from: B, to: A, value: 10}
              - {name: bo, from: B, to: O, value: 10}
              - {name: ob, from: O, to: B, value: 10}
              - {name: oa, from: O, to: A, value: 10}
              - {name: ao, from: A, to: O, value: 10}
            """
        XCTAssertThrowsError(try GatingScheme(yaml: yaml)) { e in
            guard case GatingModelsError.inconsistentConstraint = e else { return XCTFail("\(e)") }
        }
    }

    func testMalformedFilesAreTypedErrors() {
        XCTAssertThrowsError(try GatingScheme(yaml: "states: [")) { e in
            guard case GatingModelsError.schemeFile = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try GatingScheme(yaml: "name: x")) { e in
            guard case GatingModelsError.invalidSchemeField = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try GatingScheme(contentsOf: "/nonexistent/scheme.yaml")) { e in
            XCTAssertEqual(e as? GatingModelsError, .schemeFile(path: "/nonexistent/scheme.yaml", reason: "unreadable: no such file"))
        }
        // A file that parses but fails a check: the error still names the file.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("scheme-\(UUID().uuidString).yaml").path
        try? "name: x\n".write(toFile: file, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        XCTAssertThrowsError(try GatingScheme(contentsOf: file)) { e in
            guard case let GatingModelsError.schemeFile(path, reason) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(path, file)
            XCTAssertTrue(reason.contains("states"), reason)
        }
        XCTAssertThrowsError(try GatingScheme(yaml: states + "\nrates:\n  - {name: a, from: C1, to: C2, value: -3}")) { e in
            XCTAssertEqual(e as? GatingModelsError, .invalidRate(name: "a", value: -3))
        }
    }

    func testOverflowingRatesGiveTypedErrorsNotNaN() throws {
        let s = try GatingScheme(contentsOf: TestPaths.scheme("ch82.yaml"))
        XCTAssertThrowsError(try s.with(rates: ["alpha1": .infinity])) { e in
            guard case GatingModelsError.invalidRate = e else { return XCTFail("\(e)") }
        }
        let huge = try s.with(rates: ["alpha1": 1e300, "beta1": 1e300])
        // 1e300 × ~1e3 overflows in the Q-matrix diagonal or the eigen-solver: a typed error.
        XCTAssertThrowsError(try huge.with(parameters: huge.parameters.map { $0 + 700 }))
        XCTAssertThrowsError(try MissedEventsTheory(try huge.qMatrix(RecordConditions(concentration: 1e300)), resolution: 1e-4)) { e in
            XCTAssertTrue(e is GatingModelsError, "\(e)")
        }
    }

    func testRecordWithNoOpeningsIsATypedError() {
        let shutOnly = DwellSequence(dwells: (0..<10).map { _ in Dwell(level: 0, amplitude: 0, duration: 0.01) },
                                     provenance: Provenance(file: "shut.csv", format: .synthetic))
        XCTAssertThrowsError(try LikelihoodRecord(shutOnly, conditions: ch82Conditions, resolution: 1e-4)) { e in
            XCTAssertEqual(e as? GatingModelsError, .noOpenings(record: "shut.csv"))
        }
        // Openings all below the resolution vanish when it is imposed.
        let brief = DwellSequence(dwells: (0..<10).map { Dwell(level: $0 % 2, amplitude: Double($0 % 2) * 5, duration: $0 % 2 == 0 ? 0.01 : 1e-5) },
                                  provenance: Provenance(file: "brief.csv", format: .synthetic))
        XCTAssertThrowsError(try LikelihoodRecord(brief, conditions: ch82Conditions, resolution: 1e-4)) { e in
            XCTAssertEqual(e as? GatingModelsError, .noOpenings(record: "brief.csv"))
        }
        XCTAssertThrowsError(try KineticFitting.run(try ch82(), inputs: [FitInput(shutOnly, conditions: ch82Conditions)], settings: FitSettings(resolution: 1e-4))) { e in
            XCTAssertEqual(e as? GatingModelsError, .noOpenings(record: "shut.csv"))
        }
    }

    /// Any route takes several channels; none takes fewer than one; the exact route refuses a
    /// patch whose aggregate process would be too large, naming the way out.
    func testChannelCounts() throws {
        XCTAssertNoThrow(try KineticFitting.validate(FitSettings(resolution: 1e-4, channels: 2, route: .ssa)))
        XCTAssertNoThrow(try KineticFitting.validate(FitSettings(resolution: 1e-4, channels: 2, route: .both)))
        XCTAssertThrowsError(try KineticFitting.validate(FitSettings(resolution: 1e-4, channels: 0))) { e in
            guard case GatingModelsError.invalidArgument(name: "channels", _) = e else { return XCTFail("\(e)") }
        }
        let two = DwellSequence(dwells: [Dwell(level: 0, amplitude: 0, duration: 1e-2), Dwell(level: 1, amplitude: 5, duration: 1e-3),
                                         Dwell(level: 2, amplitude: 10, duration: 1e-3), Dwell(level: 0, amplitude: 0, duration: 1e-2)],
                                provenance: Provenance(file: "two.csv", format: .synthetic))
        XCTAssertThrowsError(try KineticFitting.run(try ch82(), inputs: [FitInput(two, conditions: ch82Conditions)],
                                                    settings: FitSettings(resolution: 1e-4, channels: 10))) { e in
            guard case let GatingModelsError.invalidArgument(name: "channels", reason) = e, reason.contains("SSA route") else { return XCTFail("\(e)") }
        }
    }
}
