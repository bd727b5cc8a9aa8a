import Reports
import XCTest

final class AxisTests: XCTestCase {
    // MARK: - Log axes

    func testLogAxisOverFourDecadesTicksEveryDecade() {
        let axis = Axis(title: "Dwell time (s, log scale)", scale: .log10).resolved(for: [2e-5, 0.3])
        XCTAssertEqual(axis.lower, 1e-5, accuracy: 1e-20)
        XCTAssertEqual(axis.upper, 1, accuracy: 1e-12)
        XCTAssertEqual(axis.ticks.map(\.label), ["10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰"])
        for (tick, decade) in zip(axis.ticks, -5...0) {
            XCTAssertEqual(tick.value, pow(10, Double(decade)), accuracy: pow(10, Double(decade)) * 1e-12)
        }
        // 2…9 × 10^k between the decades as unlabelled minor ticks: 8 per decade × 5 decades.
        XCTAssertEqual(axis.minorTicks.count, 40)
    }

    func testLogAxisWithinPlainRangeUsesDecimals() {
        let axis = Axis(title: "t (s)", scale: .log10).resolved(for: [0.0015, 0.8])
        XCTAssertEqual(axis.ticks.map(\.label), ["0.001", "0.01", "0.1", "1"])
    }

    func testLogAxisUnderTwoDecadesLabels2And5() {
        let axis = Axis(title: "x", scale: .log10).resolved(for: [1.2, 40])
        XCTAssertEqual(axis.ticks.map(\.label), ["1", "2", "5", "10", "20", "50", "100"])
    }

    func testLogAxisOverManyDecadesThinsLabels() {
        let axis = Axis(title: "x", scale: .log10).resolved(for: [1e-9, 1e9])
        // 18 decades → every 3rd labelled: 10⁻⁹, 10⁻⁶, … 10⁹ (7 labels), no minor ticks.
        XCTAssertEqual(axis.ticks.count, 7)
        XCTAssertEqual(axis.ticks.first?.label, "10⁻⁹")
        XCTAssertEqual(axis.ticks.last?.label, "10⁹")
        XCTAssertTrue(axis.minorTicks.isEmpty)
    }

    func testLogAxisIgnoresNonPositiveAndNonFiniteValues() {
        let axis = Axis(title: "x", scale: .log10).resolved(for: [0, -3, .nan, .infinity, 0.01, 0.05])
        XCTAssertEqual(axis.lower, 0.01, accuracy: 1e-15)
        XCTAssertEqual(axis.upper, 0.1, accuracy: 1e-15)
        XCTAssertNil(axis.fraction(0))
        XCTAssertNil(axis.fraction(-1))
    }

    func testLogAxisWithNoUsableValueFallsBackToOneDecade() {
        let axis = Axis(title: "x", scale: .log10).resolved(for: [])
        XCTAssertEqual(axis.lower, 1)
        XCTAssertEqual(axis.upper, 10)
    }

    // MARK: - Linear axes

    func testLinearAxisNiceTicks() {
        let axis = Axis(title: "Current (pA)").resolved(for: [-7.3, 1.6])
        XCTAssertEqual(axis.ticks.map(\.label), ["-8", "-6", "-4", "-2", "0", "2"])
        XCTAssertEqual(axis.lower, -8)
        XCTAssertEqual(axis.upper, 2)
    }

    func testLinearAxisDecimalsFollowTheStep() {
        let axis = Axis(title: "Popen").resolved(for: [0, 0.27])
        XCTAssertEqual(axis.ticks.map(\.label), ["0.00", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30"])
    }

    func testLinearAxisWithFixedDomainKeepsIt() {
        let axis = Axis(title: "Time (ms)", domain: 2000...2150).resolved(for: [0, 1e9])
        XCTAssertEqual(axis.lower, 2000)
        XCTAssertEqual(axis.upper, 2150)
        XCTAssertEqual(axis.ticks.first?.label, "2000")
        XCTAssertEqual(axis.ticks.last?.label, "2140")  // step 20: the range is kept, not rounded out
    }

    func testLinearAxisOfASingleValueIsWidened() {
        let zero = Axis(title: "Count", includesZero: true).resolved(for: [0, 0, 0])
        XCTAssertEqual(zero.lower, 0)
        XCTAssertGreaterThan(zero.upper, 0)
        let five = Axis(title: "x").resolved(for: [5])
        XCTAssertLessThan(five.lower, 5)
        XCTAssertGreaterThan(five.upper, 5)
    }

    func testNiceStepIsOneTwoOrFiveTimesAPowerOfTen() {
        for span in [0.0003, 0.7, 1, 13, 99, 1234, 5e7] {
            let step = Axis.niceStep(span: span, targetCount: 6)
            let mantissa = step / pow(10, floor(log10(step)))
            XCTAssertTrue([1, 2, 5].contains { abs($0 - mantissa) < 1e-9 }, "span \(span) → step \(step)")
        }
    }

    // MARK: - Number text

    func testNumberTextIsStableAndNeverPrintsNaN() {
        XCTAssertEqual(NumberText.coordinate(12.3456), "12.35")
        XCTAssertEqual(NumberText.coordinate(-0.001), "0")
        XCTAssertEqual(NumberText.coordinate(3), "3")
        XCTAssertEqual(NumberText.coordinate(-2.5), "-2.5")
        XCTAssertEqual(NumberText.coordinate(.nan), "0")
        XCTAssertEqual(NumberText.fixed(-0.0001, decimals: 2), "0.00")
        XCTAssertEqual(NumberText.fixed(.nan, decimals: 2), "—")
        XCTAssertEqual(NumberText.significant(1234.6, digits: 3), "1235")
        XCTAssertEqual(NumberText.significant(0.012345, digits: 3), "0.0123")
        XCTAssertEqual(NumberText.significant(9.996, digits: 3), "10.0")
        XCTAssertEqual(NumberText.significant(4.81e8, digits: 3), "4.81×10⁸")
        XCTAssertEqual(NumberText.significant(2.5e-5, digits: 2), "2.5×10⁻⁵")
        XCTAssertEqual(NumberText.withSD(2068.4, sd: 61), "2068 ± 61")
        XCTAssertEqual(NumberText.withSD(48.31, sd: 4.1), "48.3 ± 4.1")
        XCTAssertEqual(NumberText.withSD(4.81e8, sd: 0.32e8), "(4.81 ± 0.32)×10⁸")
        XCTAssertEqual(NumberText.duration(40e-6), "40 µs")
        XCTAssertEqual(NumberText.duration(0.0015), "1.5 ms")
        XCTAssertEqual(NumberText.data(.nan), "")
        XCTAssertEqual(NumberText.data(0.1), "0.1")
        XCTAssertEqual(NumberText.data(3), "3")
    }
}
