/// Settings a reader needs when the file itself cannot say them.
public struct ReadOptions: Sendable, Equatable {
    /// Sample rate in Hz for text traces without a time column and for raw binary files.
    public var sampleRate: Double?
    /// Read the file as headerless little-endian samples of this type (raw files have no magic
    /// bytes, so they are never detected; this option says what they are).
    public var rawSampleType: RawSampleType?
    /// Multiplier applied to raw int16 samples to give physical units (ignored for float32).
    public var rawScale: Double
    /// Units to report for raw or text samples whose file does not name them.
    public var units: String?

    public init(sampleRate: Double? = nil, rawSampleType: RawSampleType? = nil,
                rawScale: Double = 1, units: String? = nil) {
        self.sampleRate = sampleRate
        self.rawSampleType = rawSampleType
        self.rawScale = rawScale
        self.units = units
    }
}

/// Element type of a headerless raw sample file.
public enum RawSampleType: String, Sendable, Equatable, CaseIterable {
    case float32
    case int16
}
