import Foundation

/// Deterministic number-to-text for SVG coordinates, tick labels and tables.
///
/// Built from integer arithmetic and `String(format:)` with the POSIX "C" conventions only,
/// so the same value always gives the same bytes; never prints "-0", "nan" or "inf".
public enum NumberText {
    /// A coordinate with at most two decimals, trailing zeros dropped ("12.5", "3", "-0.25").
    /// Non-finite values give "0" (callers filter them first; this keeps the SVG valid).
    public static func coordinate(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let clamped = max(-1e9, min(1e9, x))
        let hundredths = Int((clamped * 100).rounded())
        if hundredths == 0 { return "0" }
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let whole = magnitude / 100, fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// `x` with exactly `decimals` decimals ("0.050"); "—" when not finite.
    public static func fixed(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return "—" }
        let text = String(format: "%.\(max(0, min(decimals, 12)))f", x)
        return isNegativeZero(text) ? String(text.dropFirst()) : text
    }

    /// `x` to `digits` significant digits for people: plain decimals for 1e-3 ≤ |x| < 1e6,
    /// otherwise "1.23×10⁻⁵". "—" when not finite; "0" for zero.
    public static func significant(_ x: Double, digits: Int = 3) -> String {
        guard x.isFinite else { return "—" }
        if x == 0 { return "0" }
        let exponent = Int(floor(log10(abs(x))))
        if exponent >= -3 && exponent < 6 {
            var decimals = max(0, digits - 1 - exponent)
            // Rounding can carry into a new digit (9.996 → "10.00"); recompute then.
            let text = fixed(x, decimals: decimals)
            if let rounded = Double(text), rounded != 0, Int(floor(log10(abs(rounded)))) > exponent {
                decimals = max(0, decimals - 1)
            }
            return fixed(x, decimals: decimals)
        }
        var mantissa = x / pow(10, Double(exponent))
        var power = exponent
        if abs((mantissa * pow(10, Double(digits - 1))).rounded()) >= pow(10, Double(digits)) {
            mantissa /= 10
            power += 1
        }
        return "\(fixed(mantissa, decimals: max(0, digits - 1)))×10\(superscript(power))"
    }

    /// A value with its standard deviation: "1020 ± 40" (the SD sets the decimals shown).
    /// Large or tiny values share one power of ten: "(4.81 ± 0.32)×10⁸".
    public static func withSD(_ value: Double, sd: Double?) -> String {
        guard let sd, sd.isFinite, sd > 0, value.isFinite, value != 0 else {
            return significant(value) + (sd.map { " ± " + significant($0, digits: 2) } ?? "")
        }
        let exponent = Int(floor(log10(abs(value))))
        if exponent < -3 || exponent >= 6 {
            let scale = pow(10, Double(exponent))
            return "(\(withSD(value / scale, sd: sd / scale)))×10\(superscript(exponent))"
        }
        // Two significant digits of the SD, and the value to the same decimal place.
        let decimals = max(0, 1 - Int(floor(log10(sd))))
        return "\(fixed(value, decimals: decimals)) ± \(fixed(sd, decimals: decimals))"
    }

    /// A duration for labels: "40 µs", "1.5 ms", "2.25 s" (3 significant digits, trailing
    /// zeros dropped); "—" when not finite.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "—" }
        let (value, unit) = abs(seconds) < 1e-3 ? (seconds * 1e6, "µs") : abs(seconds) < 1 ? (seconds * 1e3, "ms") : (seconds, "s")
        return "\(trimmingZeros(significant(value, digits: 3))) \(unit)"
    }

    /// "40.0" → "40", "1.50" → "1.5"; text without a decimal point is returned as is.
    public static func trimmingZeros(_ text: String) -> String {
        guard text.contains("."), !text.contains("×") else { return text }
        var t = Substring(text)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }

    /// Unicode superscript digits for an integer exponent ("⁻⁴").
    public static func superscript(_ n: Int) -> String {
        let digits: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴",
                                              "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻"]
        return String(String(n).map { digits[$0] ?? $0 })
    }

    /// Shortest round-trip text for data files (CSV); empty for non-finite values.
    public static func data(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "" }
        if x == 0 { return "0" }
        return x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }

    private static func isNegativeZero(_ text: String) -> Bool {
        text.hasPrefix("-") && text.dropFirst().allSatisfy { $0 == "0" || $0 == "." }
    }
}
