import Foundation

/// Builds the report's x–y charts from its sections. Only drawing happens here: the numbers
/// arrive computed, and the one formula evaluated (a Gaussian's shape, to draw a component
/// the caller fitted) is the curve's definition, not an estimate.
public enum ReportCharts {
    // MARK: - Trace

    /// The trace excerpt in ms (spans under 1 s) or s, with the idealisation as a step line.
    public static func trace(_ trace: TraceExcerpt, id: String = "trace") -> Chart {
        let times = trace.time.prefix(trace.current.count) + trace.idealised.flatMap { [$0.start, $0.end] }
        let finite = times.filter(\.isFinite)
        let span = (finite.max() ?? 0) - (finite.min() ?? 0)
        let (scale, unit) = span < 1 ? (1000.0, "ms") : (1.0, "s")
        var series: [ChartSeries] = []
        series.append(ChartSeries(name: "Current (recorded)", x: trace.time.map { $0 * scale },
                                  y: Array(trace.current.prefix(trace.time.count)), colour: ChartPalette.blue, lineWidth: 1))
        var ix: [Double] = [], iy: [Double] = []
        for (i, segment) in trace.idealised.enumerated() {
            // A gap between segments breaks the step line instead of drawing a false level.
            if i > 0, abs(trace.idealised[i - 1].end - segment.start) > 1e-12 { ix.append(.nan); iy.append(.nan) }
            ix += [segment.start * scale, segment.end * scale]
            iy += [segment.level, segment.level]
        }
        series.append(ChartSeries(name: "Idealised", x: ix, y: iy, colour: ChartPalette.vermillion, lineWidth: 2))
        var notes: [String] = []
        if !trace.windowLabel.isEmpty { notes.append("Window: \(trace.windowLabel)") }
        if trace.time.isEmpty { notes.append("The excerpt holds no samples.") }
        if trace.time.count != trace.current.count {
            notes.append("Time and current have different lengths (\(trace.time.count) vs \(trace.current.count)); the extra values are not drawn.")
        }
        return Chart(id: id, title: "Trace excerpt with idealisation", xAxis: Axis(title: "Time (\(unit))", extendsToTicks: false),
                     yAxis: Axis(title: "Current (pA)"), series: series, notes: notes, width: 1180, height: 340)
    }

    // MARK: - Amplitude histogram

    /// Bars of the amplitude histogram with each fitted Gaussian (dashed) and their sum (solid),
    /// scaled to counts per bin: total × weight × bin width × N(x; mean, sd).
    public static func amplitude(_ histogram: AmplitudeHistogram, id: String = "amplitude") -> Chart {
        let n = min(max(0, histogram.binEdges.count - 1), histogram.counts.count)
        var notes: [String] = []
        if histogram.binEdges.count != histogram.counts.count + 1 {
            notes.append("Expected \(histogram.counts.count + 1) bin edges for \(histogram.counts.count) counts, got \(histogram.binEdges.count); extra values are not drawn.")
        }
        let counts = Array(histogram.counts.prefix(n))
        let total = counts.filter(\.isFinite).reduce(0, +)
        if n > 0 && total == 0 { notes.append("All counts are zero.") }
        var series = [ChartSeries(name: "Observed", x: Array(histogram.binEdges.prefix(n + 1)), y: counts,
                                  kind: .bars, colour: ChartPalette.barFill)]
        let finiteEdges = histogram.binEdges.prefix(n + 1).filter(\.isFinite)
        if let lo = finiteEdges.min(), let hi = finiteEdges.max(), hi > lo, total > 0, n > 0 {
            let binWidth = (hi - lo) / Double(n)
            let xs = (0...240).map { lo + (hi - lo) * Double($0) / 240 }
            var sum = [Double](repeating: 0, count: xs.count)
            var components: [ChartSeries] = []
            for (k, component) in histogram.components.enumerated() {
                guard component.sd.isFinite, component.sd > 0, component.mean.isFinite, component.weight.isFinite else {
                    notes.append("Component \"\(component.label)\" has no finite mean, positive sd and weight; not drawn.")
                    continue
                }
                let scale = total * component.weight * binWidth / (component.sd * (2 * Double.pi).squareRoot())
                let ys = xs.map { x -> Double in
                    let z = (x - component.mean) / component.sd
                    return scale * exp(-0.5 * z * z)
                }
                for i in ys.indices { sum[i] += ys[i] }
                let label = "\(component.label): \(NumberText.trimmingZeros(NumberText.significant(component.mean))) ± \(NumberText.significant(component.sd, digits: 2)) pA, \(NumberText.fixed(component.weight * 100, decimals: 1)) %"
                components.append(ChartSeries(name: label, x: xs, y: ys, colour: ChartPalette.series[(k + 1) % ChartPalette.series.count],
                                          dashed: true, lineWidth: 2))
            }
            // The sum goes under the dashed components so that each stays visible at its peak.
            if components.count > 1 {
                series.append(ChartSeries(name: "Sum of components", x: xs, y: sum, colour: ChartPalette.black, lineWidth: 1.2))
            }
            series += components
        }
        return Chart(id: id, title: "Amplitude histogram", xAxis: Axis(title: "Current (pA)"),
                     yAxis: Axis(title: "Count", includesZero: true), series: series, notes: notes, width: 1180, height: 340)
    }

    // MARK: - Dwell histograms

    /// √(count) bars over log-spaced bins, the ideal pdf dashed and the apparent
    /// (missed-event-corrected) pdf solid, both √-transformed, and t_res as a marker.
    public static func dwell(_ histogram: DwellHistogram, id: String) -> Chart {
        let n = min(max(0, histogram.binEdges.count - 1), histogram.counts.count)
        var notes: [String] = []
        if histogram.binEdges.count != histogram.counts.count + 1 {
            notes.append("Expected \(histogram.counts.count + 1) bin edges for \(histogram.counts.count) counts, got \(histogram.binEdges.count); extra values are not drawn.")
        }
        let counts = Array(histogram.counts.prefix(n))
        if n == 0 { notes.append("No dwells of this kind.") } else if counts.filter(\.isFinite).allSatisfy({ $0 == 0 }) {
            notes.append("All counts are zero.")
        }
        var series = [ChartSeries(name: "Observed", x: Array(histogram.binEdges.prefix(n + 1)), y: counts.map(squareRoot),
                                  kind: .bars, colour: histogram.kind == .open ? "#F3D497" : ChartPalette.barFill)]
        if let ideal = histogram.idealPDF {
            series.append(ChartSeries(name: "Ideal pdf", x: ideal.t, y: ideal.value.prefix(ideal.t.count).map(squareRoot),
                                      colour: ChartPalette.blue, dashed: true, lineWidth: 1.6))
        }
        if let apparent = histogram.apparentPDF {
            series.append(ChartSeries(name: "Apparent pdf (missed events)", x: apparent.t,
                                      y: apparent.value.prefix(apparent.t.count).map(squareRoot),
                                      colour: ChartPalette.vermillion, lineWidth: 2))
        }
        var markers: [ChartMarker] = []
        if let tres = histogram.resolution {
            if tres.isFinite && tres > 0 {
                markers.append(ChartMarker(x: tres, label: "t_res = \(NumberText.duration(tres))"))
            } else {
                notes.append("The resolution given is not a positive number; no marker drawn.")
            }
        }
        var title = histogram.title
        if let r2 = histogram.rSquared { title += " · R² = \(NumberText.fixed(r2, decimals: 3))" }
        return Chart(id: id, title: title, xAxis: Axis(title: "Dwell time (s, log scale)", scale: .log10),
                     yAxis: Axis(title: "√(count)", includesZero: true), series: series, markers: markers,
                     notes: notes, width: 580, height: 360)
    }

    /// √x for drawing; negative or non-finite input gives NaN, which the chart leaves out.
    static func squareRoot(_ x: Double) -> Double { x >= 0 ? x.squareRoot() : .nan }

    // MARK: - Loss curve

    /// Loss per iteration; log y axis when all losses are positive and span two decades or more.
    public static func loss(_ curve: LossCurve, id: String = "loss") -> Chart {
        let losses = Array(curve.loss.prefix(curve.iteration.count))
        let positive = losses.filter { $0.isFinite && $0 > 0 }
        let allPositive = positive.count == losses.filter(\.isFinite).count && !positive.isEmpty
        let useLog = allPositive && (positive.max()! / positive.min()!) >= 100
        var notes: [String] = []
        if losses.isEmpty { notes.append("No iterations were recorded.") }
        let name = curve.label.isEmpty ? "Loss" : curve.label
        return Chart(id: id, title: "SSA fit: loss per iteration",
                     xAxis: Axis(title: "Iteration"),
                     yAxis: Axis(title: useLog ? "Loss (log scale)" : "Loss", scale: useLog ? .log10 : .linear),
                     series: [ChartSeries(name: name, x: curve.iteration, y: losses, colour: ChartPalette.blue, lineWidth: 1.5)],
                     notes: notes, width: 1180, height: 320)
    }
}
