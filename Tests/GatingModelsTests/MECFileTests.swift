import Foundation
import XCTest
import GatingModels

/// DCPROGS `.mec` files: listing, loading into a GatingScheme, errors, round trip through YAML.
/// Expected values come from decoding the files byte by byte with an independent script
/// (python `struct`, offsets as in DCProgsMechanismFile.swift) and from REFERENCE.md §2.
final class MECFileTests: XCTestCase {
    static let ch82c = TestPaths.sharedData("mechanisms/mec_CH82C.MEC")
    static let demo = TestPaths.sharedData("mechanisms/mec_demomec.mec")
    static let atVref = RecordConditions(concentration: 100e-9, voltage: -0.080)

    // MARK: - Listing

    func testCH82CListsOneRateSet() throws {
        let f = try DCProgsMechanismFile(contentsOf: Self.ch82c)
        XCTAssertEqual(f.version, 102)
        XCTAssertEqual(f.rateSets, [DCProgsMechanismFile.Entry(
            index: 1, mechanismNumber: 1, mechanismTitle: "Two seq bindings with singly-occ opening",
            rateSetTitle: "CH82 numerical example", stateCount: 5, offset: 19_999)])
    }

    func testDemomecListsThreeRateSets() throws {
        let f = try DCProgsMechanismFile(contentsOf: Self.demo)
        XCTAssertEqual(f.version, 200)
        XCTAssertEqual(f.rateSets.map(\.mechanismNumber), [1, 2, 3])
        XCTAssertEqual(f.rateSets.map(\.offset), [19_999, 21_951, 24_139])
        XCTAssertEqual(f.rateSets.map(\.stateCount), [5, 7, 10])
        XCTAssertEqual(f.rateSets.map(\.mechanismTitle), ["Two seq bindings with singly-occ opening",
                                                          "Two unequal bindings (C&S 1985)", "Burzomato et al 2004 'flip'"])
        XCTAssertEqual(f.rateSets.map(\.rateSetTitle), ["CH82 numerical example", "Used for simulations in CHH 2003 JPhys",
                                                        "Burzomato et al. 2004 average rate constants"])
    }

    // MARK: - CH82C.MEC is CH82

    func testCH82CLoadsTheCH82Scheme() throws {
        let s = try GatingScheme(contentsOf: Self.ch82c)
        XCTAssertEqual(s.states.map(\.name), ["AR*", "A2R*", "A2R", "AR", "R"])
        XCTAssertEqual(s.states.map(\.conductanceClass), [1, 1, 0, 0, 0])
        // dgamma = 30 pS at vref = −80 mV, reversal 0: −2.4 pA (float32-sized 3e-11 S stored as real*8).
        XCTAssertEqual(s.states[0].amplitude, -2.4, accuracy: 1e-9)
        XCTAssertEqual(s.longLivedStates, [4])                        // kC = 1: R
        XCTAssertEqual(s.constraints, [.microscopicReversibility(rate: "alpha(1)")])   // im(1,1)=1, jm(1,1)=4

        // Same connectivity as ch82.yaml (states have the same names there).
        let golden = try ch82()
        func edges(_ x: GatingScheme) -> Set<String> { Set(x.transitions.map { "\(x.states[$0.from].name)>\(x.states[$0.to].name)" }) }
        XCTAssertEqual(edges(s), edges(golden))
        XCTAssertEqual(Set(s.transitions.filter(\.law.agonistDependent).map(\.name)), ["k(+2)'", "k(+2)", "2k(+1)"])

        // Every rate at the file's reference potential is the file's value (QT, decoded
        // independently); alpha(1) is recomputed by microscopic reversibility from the stored
        // 2k(-2)' = 0.667 (the file's 3 figures, not 2/3), so it is 3000·(2/3)/0.667 = 2998.5.
        let stored: [String: Double] = ["beta(1)": 15, "k(+2)'": 5e8, "2k(-2)'": 0.6670000553131104, "alpha(2)": 500,
                                        "beta(2)": 15000, "2k(-2)": 4000, "k(+2)": 5e8, "k(-1)": 2000, "2k(+1)": 1e8]
        for t in s.transitions {
            let atVref = t.value * t.law.factor(concentration: 1, voltage: -0.080)
            let expected = stored[t.name] ?? 5e8 * 500 * 4000 * 15 / (5e8 * 15000 * 0.6670000553131104)
            XCTAssertEqual(atVref, expected, accuracy: 1e-12 * expected, t.name)
        }
        XCTAssertEqual(s.rateNames.first, "alpha(1)")                 // file order kept
    }

    func testCH82CVoltageDependenceFollowsDCPROGS() throws {
        let s = try GatingScheme(contentsOf: Self.ch82c)
        // nvdep = 1: q(2,3) = alpha(2), H = 60 mV; alpha(1) inherits it through its cycle.
        let h = 1000.0 / 60
        for t in s.transitions {
            XCTAssertEqual(t.law.voltageCoefficient, ["alpha(2)", "alpha(1)"].contains(t.name) ? h : 0, accuracy: 1e-12, t.name)
        }
        // q(V) = q(vref)·exp((V − vref)/H): at 0 V, alpha(2) = 500·exp(80/60).
        let a2 = try XCTUnwrap(s.transitions.first { $0.name == "alpha(2)" })
        XCTAssertEqual(a2.value, 500 * exp(80.0 / 60), accuracy: 1e-9)
    }

    /// The independent consequence: CH82C's Q at 100 nM and −80 mV is ch82.yaml's Q at 100 nM
    /// entry by entry, except the two entries the stored 0.667 changes.
    func testCH82CQMatrixAndPopenMatchCH82() throws {
        let q = try GatingScheme(contentsOf: Self.ch82c).qMatrix(Self.atVref).matrix
        let g = try ch82().qMatrix(ch82Conditions).matrix
        let names = ["AR*", "A2R*", "A2R", "AR", "R"], goldenOrder = ["AR*", "A2R*", "AR", "A2R", "R"]
        let perm = names.map { goldenOrder.firstIndex(of: $0)! }
        let scale = (2.0 / 3) / 0.6670000553131104
        for i in 0..<5 { for j in 0..<5 where i != j {
            var expected = g[perm[i], perm[j]]
            if names[i] == "AR*" && names[j] == "AR" { expected *= scale }          // alpha(1), set by MR
            if names[i] == "A2R*" && names[j] == "AR*" { expected /= scale }        // 2k(-2)' as stored
            XCTAssertEqual(q[i, j], expected, accuracy: 1e-9 * max(1, expected), "q[\(names[i])→\(names[j])]")
        } }
        // Popen moves by less than the 5e-4 relative change of those two rates: the golden
        // 0.001887 (4 figures) holds to 1e-3.
        assertRelative(try GatingScheme(contentsOf: Self.ch82c).qMatrix(Self.atVref).popen(), 0.001887, 1e-3, "Popen")
    }

    // MARK: - demomec.mec

    func testDemomecNeedsARateSetAndListsTheChoices() {
        XCTAssertThrowsError(try GatingScheme(contentsOf: Self.demo)) { e in
            let err = e as? DCProgsMechanismError
            XCTAssertEqual(err?.kind, .rateSetRequired)
            for title in ["Two seq bindings", "C&S 1985", "Burzomato et al 2004 'flip'"] {
                XCTAssert(err?.description.contains(title) ?? false, "\(e)")
            }
        }
        for bad in ["#4", "#0", "#two"] {
            XCTAssertThrowsError(try GatingScheme(contentsOf: Self.demo + bad), bad) { e in
                XCTAssertEqual((e as? DCProgsMechanismError)?.kind, .unknownRateSet, "\(e)")
            }
        }
    }

    /// Set 1 of demomec is CH82 with 2k(-2)' stored as float32(2/3): its equilibrium is the golden one.
    func testDemomecSet1HasTheGoldenEquilibrium() throws {
        let q = try GatingScheme(contentsOf: Self.demo + "#1").qMatrix(ch82Conditions)
        XCTAssertEqual(q.stateCount, 5)
        let p = try q.equilibriumOccupancies()
        // REFERENCE.md §2 in CH82's state order; here the order is AR*, A2R*, A2R, AR, R.
        let golden = [2.48271e-5, 1.862036e-3, 6.206785e-5, 4.965428e-3, 0.9930856]
        for i in 0..<5 { assertRelative(p[i], golden[i], 1e-5, "p∞[\(i)]") }   // golden values carry 6–7 figures
        assertRelative(try q.popen(), 0.001887, 5e-4, "Popen")
    }

    func testDemomecSetsLoad() throws {
        let two = try GatingScheme(contentsOf: Self.demo + "#2")
        XCTAssertEqual(two.states.map(\.name), ["A2R*", "AR*(a)", "AR*(b)", "A2R", "AR(a)", "AR(b)", "R"])
        XCTAssertEqual(two.states.map(\.conductanceClass), [1, 1, 1, 0, 0, 0, 0])
        XCTAssertEqual(two.transitions.count, 14)
        XCTAssertEqual(two.constraints, [.microscopicReversibility(rate: "k(+1)a")])   // first step q(7,5)
        let three = try GatingScheme(contentsOf: Self.demo + "#3")
        XCTAssertEqual(three.states.count, 10)
        XCTAssertEqual(three.states.filter(\.isOpen).map(\.name), ["AF*", "A2F*", "A3F*"])
        XCTAssertEqual(three.longLivedStates, [9])                     // kC = 1: R
        XCTAssertEqual(three.constraints, [.microscopicReversibility(rate: "delta3"), .microscopicReversibility(rate: "2kf(+2)")])
        // Rates as stored (the file's QT; none is voltage-dependent in demomec).
        let stored: [String: Double] = ["alpha1": 3437, "beta1": 4207, "alpha2": 2107, "beta2": 28096, "alpha3": 2900,
                                        "beta3": 106_000, "k(+3)": 585_600, "3k(+1)": 1.757e6, "gama1": 30025.5]
        for (n, v) in stored {
            let t = try XCTUnwrap(three.transitions.first { $0.name == n }, n)
            XCTAssertEqual(t.value, v, accuracy: 1e-3 * v, n)                // QT holds float32-rounded decimals
        }
        XCTAssertEqual(Set(three.transitions.filter(\.law.agonistDependent).map(\.name)),
                       ["kf(+3)", "2kf(+2)", "k(+3)", "2k(+2)", "3k(+1)"])
        _ = try three.qMatrix(RecordConditions(concentration: 10e-6)).equilibriumOccupancies()
    }

    // MARK: - Round trip

    func testYAMLRoundTripKeepsTheQMatrix() throws {
        let dir = try temporaryDirectory()
        for source in [Self.ch82c, Self.demo + "#2", Self.demo + "#3"] {
            let s = try GatingScheme(contentsOf: source)
            let path = dir.appendingPathComponent("scheme.yaml").path
            try s.yamlString().write(toFile: path, atomically: true, encoding: .utf8)
            let back = try GatingScheme(contentsOf: path)
            for c in [Self.atVref, RecordConditions(concentration: 1e-6, voltage: 0.04)] {
                let a = try s.qMatrix(c).matrix, b = try back.qMatrix(c).matrix
                for i in 0..<s.states.count { for j in 0..<s.states.count {
                    XCTAssertEqual(a[i, j], b[i, j], accuracy: 1e-12 * max(1, abs(a[i, j])), "\(source) q[\(i),\(j)]")
                } }
            }
            XCTAssertEqual(back.constraints, s.constraints)
            XCTAssertEqual(back.longLivedStates, s.longLivedStates)
        }
    }
}
