import Foundation

/// How a chart axis maps data to the page: scale, title (with units) and range.
public struct Axis: Sendable, Equatable {
    public enum Scale: Sendable, Equatable { case linear, log10 }

    /// Shown beside the axis; should carry the unit, e.g. "Time (ms)".
    public var title: String
    public var scale: Scale
    /// Fixed range; nil = from the data (on a log axis, only positive data count).
    public var domain: ClosedRange<Double>?
    /// Widen a data-derived range out to whole ticks (linear) or whole decades (log).
    public var extendsToTicks: Bool
    /// Always include 0 in a data-derived linear range (bar charts, counts).
    public var includesZero: Bool

    public init(title: String, scale: Scale = .linear, domain: ClosedRange<Double>? = nil,
                extendsToTicks: Bool = true, includesZero: Bool = false) {
        self.title = title
        self.scale = scale
        self.domain = domain
        self.extendsToTicks = extendsToTicks
        self.includesZero = includesZero
    }

    /// Fixes the range from `values` (non-finite, and on log axes non-positive, values are
    /// ignored) and computes the ticks. With no usable value the range is [0, 1] (linear) or
    /// [1, 10] (log); a single value is widened so the range is never empty.
    public func resolved(for values: [Double], targetTickCount: Int = 6) -> ResolvedAxis {
        switch scale {
        case .linear: return resolvedLinear(values, target: targetTickCount)
        case .log10: return resolvedLog(values)
        }
    }

    // MARK: - Linear

    private func resolvedLinear(_ values: [Double], target: Int) -> ResolvedAxis {
        var lo: Double, hi: Double
        if let domain, domain.lowerBound.isFinite, domain.upperBound.isFinite {
            (lo, hi) = (domain.lowerBound, domain.upperBound)
        } else {
            let usable = values.filter(\.isFinite)
            lo = usable.min() ?? 0
            hi = usable.max() ?? 1
            if includesZero { lo = min(lo, 0); hi = max(hi, 0) }
        }
        if !(hi > lo) {
            let pad = lo == 0 ? 1 : abs(lo) * 0.5
            (lo, hi) = (lo - pad, hi + pad)
            if includesZero && lo < 0 && hi > 0 && values.allSatisfy({ !$0.isFinite || $0 >= 0 }) { lo = 0 }
        }
        let step = Axis.niceStep(span: hi - lo, targetCount: target)
        if domain == nil && extendsToTicks {
            // The tolerance points inwards, so a value already on a tick is not pushed past it.
            lo = (lo / step + 1e-9).rounded(.down) * step
            hi = (hi / step - 1e-9).rounded(.up) * step
        }
        let first = Int((lo / step - 1e-9).rounded(.up)), last = Int((hi / step + 1e-9).rounded(.down))
        let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        let ticks = (first...max(first, last)).map { k -> AxisTick in
            let value = Double(k) * step
            let label = (abs(value) >= 1e6 || (step < 1e-4 && value != 0))
                ? NumberText.significant(value, digits: 3) : NumberText.fixed(value, decimals: decimals)
            return AxisTick(value: value, label: label)
        }.filter { $0.value >= lo - step * 1e-6 && $0.value <= hi + step * 1e-6 }
        return ResolvedAxis(axis: self, lower: lo, upper: hi, ticks: ticks, minorTicks: [])
    }

    /// 1, 2 or 5 × 10^k, so that about `targetCount` ticks span `span`.
    public static func niceStep(span: Double, targetCount: Int) -> Double {
        guard span.isFinite, span > 0 else { return 1 }
        let raw = span / Double(max(1, targetCount - 1))
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1.5 ? 1 : fraction <= 3 ? 2 : fraction <= 7 ? 5 : 10
        return nice * magnitude
    }

    // MARK: - Log10

    private func resolvedLog(_ values: [Double]) -> ResolvedAxis {
        var lo: Double, hi: Double
        if let domain, domain.lowerBound > 0, domain.upperBound.isFinite {
            (lo, hi) = (domain.lowerBound, domain.upperBound)
        } else {
            let usable = values.filter { $0.isFinite && $0 > 0 }
            lo = usable.min() ?? 1
            hi = usable.max() ?? 10
        }
        if !(hi > lo) { (lo, hi) = (lo / 10, hi * 10) }
        var lowDecade = Int(floor(log10(lo) + 1e-9)), highDecade = Int(ceil(log10(hi) - 1e-9))
        if highDecade <= lowDecade { highDecade = lowDecade + 1 }
        if domain == nil && extendsToTicks {
            lo = pow(10, Double(lowDecade))
            hi = pow(10, Double(highDecade))
        } else {
            lowDecade = Int(ceil(log10(lo) - 1e-9))
            highDecade = Int(floor(log10(hi) + 1e-9))
        }
        let decades = highDecade - lowDecade
        // Label every decade up to 8 of them, then every 2nd, 3rd, … so labels never crowd.
        let stride = max(1, Int((Double(decades) / 8).rounded(.up)))
        let plain = lowDecade >= -3 && highDecade <= 4
        var major: [AxisTick] = []
        var minor: [Double] = []
        for decade in (lowDecade - 1)...(highDecade) {
            let base = pow(10, Double(decade))
            if decade >= lowDecade && (decade - lowDecade) % stride == 0 && base >= lo * (1 - 1e-9) && base <= hi * (1 + 1e-9) {
                major.append(AxisTick(value: base, label: Axis.logLabel(1, decade, plain: plain)))
            }
            for m in 2...9 {
                let value = Double(m) * base
                guard value >= lo * (1 - 1e-9), value <= hi * (1 + 1e-9) else { continue }
                // Over two decades or fewer, 2 and 5 are labelled too; otherwise they are minor ticks.
                if decades <= 2 && (m == 2 || m == 5) {
                    major.append(AxisTick(value: value, label: Axis.logLabel(m, decade, plain: plain)))
                } else if decades <= 6 {
                    minor.append(value)
                }
            }
        }
        major.sort { $0.value < $1.value }
        return ResolvedAxis(axis: self, lower: lo, upper: hi, ticks: major, minorTicks: minor)
    }

    /// "0.002", "50", or "2×10⁻⁵" / "10⁻⁵" when the range leaves 10⁻³…10⁴.
    static func logLabel(_ mantissa: Int, _ decade: Int, plain: Bool) -> String {
        if plain {
            return NumberText.fixed(Double(mantissa) * pow(10, Double(decade)), decimals: max(0, -decade))
        }
        return (mantissa == 1 ? "" : "\(mantissa)×") + "10" + NumberText.superscript(decade)
    }
}

/// One labelled tick.
public struct AxisTick: Sendable, Equatable {
    public var value: Double
    public var label: String
}

/// An axis with its range and ticks fixed; maps values to page coordinates.
public struct ResolvedAxis: Sendable, Equatable {
    public var axis: Axis
    public var lower: Double
    public var upper: Double
    public var ticks: [AxisTick]
    /// Unlabelled ticks (2…9 × 10^k on log axes).
    public var minorTicks: [Double]

    /// Fraction 0…1 of the way from `lower` to `upper`; nil for values the scale cannot show
    /// (non-finite, or ≤ 0 on a log axis). Values outside the range give fractions outside 0…1.
    public func fraction(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch axis.scale {
        case .linear:
            return (value - lower) / (upper - lower)
        case .log10:
            guard value > 0 else { return nil }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// Whether `value` lies inside the range (with a hair of tolerance).
    public func contains(_ value: Double) -> Bool {
        guard let f = fraction(value) else { return false }
        return f >= -1e-9 && f <= 1 + 1e-9
    }
}
