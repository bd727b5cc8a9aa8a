import Foundation

/// Approximate text extents, so margins can be computed without a font engine.
///
/// Widths are character count × font size × an average advance that errs on the wide side
/// for sans-serif faces (digits ≈ 0.56 em, capitals ≈ 0.67 em), so labels are never clipped.
public enum TextMetrics {
    /// Average advance per character, in ems.
    public static let averageAdvance = 0.62

    /// Approximate width in px of `text` at `fontSize` px.
    public static func width(_ text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * averageAdvance
    }

    /// Line height in px for `fontSize` (ascent + descent + a little leading).
    public static func lineHeight(_ fontSize: Double) -> Double {
        fontSize * 1.25
    }
}

/// Colours and strokes shared by every chart: the Okabe–Ito palette, distinguishable by
/// readers with the common colour-vision deficiencies, with dashes as a second cue.
public enum ChartPalette {
    public static let black = "#000000"
    public static let orange = "#E69F00"
    public static let skyBlue = "#56B4E9"
    public static let green = "#009E73"
    public static let blue = "#0072B2"
    public static let vermillion = "#D55E00"
    public static let purple = "#CC79A7"
    public static let grey = "#7F7F7F"
    /// Light fill for histogram bars.
    public static let barFill = "#BFD9EC"
    /// Series colours in the order charts use them.
    public static let series = [blue, vermillion, green, orange, purple, skyBlue, black]
    /// Font stack used everywhere.
    public static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"
}
