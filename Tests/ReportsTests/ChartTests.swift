import Foundation
import Reports
import XCTest

final class ChartTests: XCTestCase {
    let example = RecordingReport.example

    /// No number a chart writes may be NaN or infinite, in text or in any attribute.
    func assertNoNonFinite(_ svg: String, file: StaticString = #filePath, line: UInt = #line) {
        for bad in ["nan", "NaN", "inf", "Inf"] {
            XCTAssertFalse(svg.contains(bad), "SVG contains \(bad)", file: file, line: line)
        }
    }

    // MARK: - Axis titles and ticks in real charts

    func testDwellChartHasTitledAxesLogTicksAndResolutionMarker() throws {
        let svg = ReportCharts.dwell(example.dwellHistograms[0], id: "d1").svg()
        let parsed = try XCTUnwrap(SVGInspection.parse(svg))
        for text in ["Dwell time (s, log scale)", "√(count)", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰",
                     "t_res = 40 µs", "Ideal pdf", "Apparent pdf (missed events)", "Observed", "0", "5", "10"] {
            XCTAssertTrue(parsed.texts.contains(text), "missing text \(text)")
        }
        XCTAssertTrue(parsed.texts.contains { $0.contains("R² = 0.991") })
        // The ideal pdf is dashed and the apparent one solid.
        XCTAssertTrue(svg.contains("stroke-dasharray=\"6 4\""))
        assertNoNonFinite(svg)
    }

    func testTraceAmplitudeAndLossChartsHaveUnitsOnEveryAxis() throws {
        let trace = try XCTUnwrap(SVGInspection.parse(ReportCharts.trace(try XCTUnwrap(example.trace)).svg()))
        XCTAssertTrue(trace.texts.contains("Time (ms)"))
        XCTAssertTrue(trace.texts.contains("Current (pA)"))
        XCTAssertTrue(trace.texts.contains("2000") && trace.texts.contains("2100"), "\(trace.texts)")
        XCTAssertTrue(trace.texts.contains("Idealised"))

        let amplitude = try XCTUnwrap(SVGInspection.parse(ReportCharts.amplitude(try XCTUnwrap(example.amplitudeHistogram)).svg()))
        XCTAssertTrue(amplitude.texts.contains("Current (pA)"))
        XCTAssertTrue(amplitude.texts.contains("Count"))
        XCTAssertTrue(amplitude.texts.contains { $0.hasPrefix("open: -5.09 ± 0.59 pA") })

        let loss = try XCTUnwrap(SVGInspection.parse(ReportCharts.loss(try XCTUnwrap(example.lossCurve)).svg()))
        XCTAssertTrue(loss.texts.contains("Iteration"))
        XCTAssertTrue(loss.texts.contains("Loss (log scale)"), "a loss spanning two decades gets a log axis")
        XCTAssertTrue(loss.texts.contains("0.1") && loss.texts.contains("1"))
        let flat = ReportCharts.loss(LossCurve(iteration: [0, 1, 2], loss: [3, 2.5, 2.2])).svg()
        XCTAssertTrue(try XCTUnwrap(SVGInspection.parse(flat)).texts.contains("Loss"))
    }

    func testEveryChartOfTheExamplePageParsesAsXML() throws {
        let svgs = inlineSVGs(in: RecordingPage.html(example))
        XCTAssertEqual(svgs.count, 6)  // trace, amplitude, 2 dwell, scheme, loss
        for svg in svgs {
            let parsed = try XCTUnwrap(SVGInspection.parse(svg))
            XCTAssertGreaterThan(parsed.count(of: "text"), 3)
            assertNoNonFinite(svg)
        }
    }

    // MARK: - Determinism

    func testRenderingTwiceGivesIdenticalBytes() {
        XCTAssertEqual(RecordingPage.html(example), RecordingPage.html(RecordingReport.example))
        let h = example.dwellHistograms[1]
        XCTAssertEqual(ReportCharts.dwell(h, id: "x").svg(), ReportCharts.dwell(h, id: "x").svg())
        XCTAssertEqual(BatchPage.html(.example), BatchPage.html(.example))
    }

    // MARK: - Degenerate input

    func testNoOpeningsGivesAReadableEmptyChart() throws {
        let empty = DwellHistogram(kind: .open, classLabel: "class 1", binEdges: [], counts: [])
        let svg = ReportCharts.dwell(empty, id: "empty").svg()
        let parsed = try XCTUnwrap(SVGInspection.parse(svg))
        XCTAssertTrue(parsed.texts.contains("No data"))
        XCTAssertTrue(parsed.texts.contains { $0.contains("No dwells of this kind") })
        XCTAssertTrue(parsed.texts.contains("Dwell time (s, log scale)"))
        assertNoNonFinite(svg)
    }

    func testAllZeroCountsAndASingleBin() throws {
        let zeros = DwellHistogram(kind: .shut, classLabel: "", binEdges: [1e-4, 1e-3, 1e-2], counts: [0, 0])
        let zeroSVG = ReportCharts.dwell(zeros, id: "z").svg()
        XCTAssertTrue(try XCTUnwrap(SVGInspection.parse(zeroSVG)).texts.contains { $0.contains("All counts are zero") })
        assertNoNonFinite(zeroSVG)

        let single = DwellHistogram(kind: .open, classLabel: "", binEdges: [1e-4, 1e-3], counts: [7])
        let singleSVG = ReportCharts.dwell(single, id: "s").svg()
        let parsed = try XCTUnwrap(SVGInspection.parse(singleSVG))
        XCTAssertFalse(parsed.texts.contains("No data"))
        XCTAssertEqual(parsed.rects.filter { $0["fill"] == "#F3D497" }.count, 2, "legend swatch + one bar")
        assertNoNonFinite(singleSVG)

        let flatAmplitude = AmplitudeHistogram(binEdges: [-1, 0], counts: [0], components: [GaussianComponent(mean: 0, sd: 0, weight: 1, label: "x")])
        let amplitudeSVG = ReportCharts.amplitude(flatAmplitude).svg()
        XCTAssertNotNil(SVGInspection.parse(amplitudeSVG))
        assertNoNonFinite(amplitudeSVG)
    }

    func testNaNFromTheCallerIsLeftOutWithANote() throws {
        var h = example.dwellHistograms[0]
        h.counts[3] = .nan
        h.idealPDF?.value[10] = .nan
        h.rSquared = .nan
        h.resolution = .nan
        let svg = ReportCharts.dwell(h, id: "n").svg()
        let parsed = try XCTUnwrap(SVGInspection.parse(svg))
        XCTAssertTrue(parsed.texts.contains { $0.contains("2 values were not finite") }, "\(parsed.texts)")
        XCTAssertTrue(parsed.texts.contains { $0.contains("resolution given is not a positive number") })
        XCTAssertTrue(parsed.texts.contains { $0.contains("R² = —") })
        assertNoNonFinite(svg)

        let trace = TraceExcerpt(time: [0, 0.001, 0.002, 0.003], current: [0, .nan, .infinity, -4],
                                 idealised: [IdealisedSegment(start: 0, end: .nan, level: 0)], windowLabel: "")
        let traceSVG = ReportCharts.trace(trace).svg()
        XCTAssertNotNil(SVGInspection.parse(traceSVG))
        assertNoNonFinite(traceSVG)

        var report = example
        report.rates[0].value = .nan
        report.rates[1].sd = .infinity
        report.fitQuality?.logLikelihood = .nan
        report.popen = .nan
        let html = RecordingPage.html(report)
        for svg in inlineSVGs(in: html) { assertNoNonFinite(svg) }
        XCTAssertFalse(html.contains(">nan<") || html.contains("NaN") || html.contains(">inf"))
    }

    // MARK: - Scheme diagrams

    /// A six-state line and a 2×3 grid: every state name and rate label is drawn and no two
    /// labels overlap (boxes estimated with the same text-width rule as the renderer).
    func testSchemeLabelsDoNotOverlap() throws {
        func rate(_ name: String, _ v: Double) -> RateLabel { RateLabel(name: name, value: v, sd: v * 0.05, unit: "s⁻¹") }
        let names = ["C1", "C2", "C3", "C4", "O5", "O6"]
        let line = SchemeDiagram(states: names.map { SchemeState(name: $0, isOpen: $0.hasPrefix("O")) },
                                 transitions: (0..<5).map { SchemeTransition(from: $0, to: $0 + 1, forward: rate("k\($0)\($0 + 1)", 1234.5), backward: rate("k\($0 + 1)\($0)", 6.5e7)) })
        let grid = SchemeDiagram(states: names.enumerated().map { SchemeState(name: $1, isOpen: $0 >= 4, column: $0 % 3, row: $0 / 3) },
                                 transitions: [(0, 1), (1, 2), (3, 4), (4, 5), (0, 3), (1, 4), (2, 5)].map {
                                     SchemeTransition(from: $0.0, to: $0.1, forward: rate("k\($0.0)\($0.1)", 2.5e8), backward: rate("k\($0.1)\($0.0)", 480))
                                 })
        for diagram in [line, grid] {
            let svg = SchemeDiagramRenderer(diagram: diagram).svg()
            let parsed = try XCTUnwrap(SVGInspection.parse(svg))
            for name in names { XCTAssertTrue(parsed.texts.contains(name)) }
            XCTAssertEqual(parsed.texts.filter { $0.contains(" = ") }.count, 2 * diagram.transitions.count)
            let boxes = zip(parsed.texts, parsed.textAttributes).compactMap { TextBox($0, $1) }
            for i in boxes.indices { for j in boxes.indices where j > i {
                XCTAssertFalse(boxes[i].overlaps(boxes[j]), "\"\(boxes[i].label)\" overlaps \"\(boxes[j].label)\"")
            } }
            assertNoNonFinite(svg)
        }
    }

    func testSchemeWithNoStatesOrBadTransitions() throws {
        let empty = try XCTUnwrap(SVGInspection.parse(SchemeDiagramRenderer(diagram: SchemeDiagram(states: [], transitions: [])).svg()))
        XCTAssertTrue(empty.texts.contains("No states to draw."))
        let bad = SchemeDiagram(states: [SchemeState(name: "C", isOpen: false), SchemeState(name: "O", isOpen: true)],
                                transitions: [SchemeTransition(from: 0, to: 5, forward: RateLabel(name: "k", value: 1, unit: "s⁻¹"))])
        let parsed = try XCTUnwrap(SVGInspection.parse(SchemeDiagramRenderer(diagram: bad).svg()))
        // Notes wrap to the picture's width, so read the lines as one text.
        XCTAssertTrue(parsed.texts.joined(separator: " ").contains("does not join two different states"))
    }
}
