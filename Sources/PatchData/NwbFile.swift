import CHDF5
import Foundation

/// Neurodata Without Borders (NWB 2.x, HDF5) reading and writing of patch-clamp traces.
///
/// Reading: every `VoltageClampSeries`, `CurrentClampSeries`, `PatchClampSeries`,
/// `IZeroClampSeries` or plain `TimeSeries` group under `/acquisition` becomes one sweep of a
/// channel. True values are `data · conversion + offset` (attributes of `data`); amperes are
/// reported in pA and volts in mV. The rate comes from `starting_time@rate`, or from
/// `timestamps` (their mean spacing). Series named `<channel>_sweep<N>` are sweeps of one
/// channel, ordered by their `sweep_number` attribute (then by name); other names are
/// channels of their own. All channels must share one rate and one sweep count.
///
/// Writing: one series per channel and sweep, `<channel>_sweep<NNN>`, current channels as
/// `VoltageClampSeries` (unit amperes), voltage channels as `CurrentClampSeries` (volts), others
/// as `TimeSeries`; samples stay float32 in the recording's units with `conversion` to SI, so
/// reading the file back gives the same samples bit for bit. The file carries the NWB-required
/// root datasets, one `Device` and one `IntracellularElectrode`, and is written atomically.
public enum NwbFile {
    /// The NWB schema version written.
    public static let nwbVersion = "2.7.0"

    static let seriesTypes: Set<String> = ["VoltageClampSeries", "CurrentClampSeries", "PatchClampSeries",
                                          "IZeroClampSeries", "TimeSeries"]

    // MARK: - Reading

    public static func read(path: String) throws(PatchDataError) -> Recording {
        try read(path: path, bytes: ByteReader(contentsOf: path))
    }

    /// Reads the NWB file at `path`, whose contents `bytes` already holds (so that they are not
    /// loaded a second time for the check below).
    static func read(path: String, bytes: ByteReader) throws(PatchDataError) -> Recording {
        // Before HDF5 sees the file: a corrupt global heap would crash the library (see the check).
        try GlobalHeapCheck.validate(bytes)
        hdf5Lock.lock()
        defer { hdf5Lock.unlock() }
        let f = try H5File.open(path)
        guard f.isGroup("/acquisition") else {
            throw f.error(.invalidField, "/acquisition", "no /acquisition group: not an NWB file with recorded data")
        }
        struct Series { var key: String; var sweep: Int; var name: String; var samples: [Float]; var units: String; var dt: Double; var start: Double }
        var series: [Series] = []
        for name in try f.children(of: "/acquisition") {
            let path = "/acquisition/\(name)"
            guard f.isGroup(path), let type = try f.stringAttribute(path, "neurodata_type"), seriesTypes.contains(type) else { continue }
            let dataPath = path + "/data"
            guard f.exists(dataPath) else { throw f.error(.invalidField, dataPath, "series has no data") }
            let shape = try f.shape(dataPath)
            guard shape.count == 1 else { throw f.error(.unsupported, dataPath, "data of shape \(shape); only 1-D traces are read") }
            let raw = try f.floatDataset(dataPath)
            let conversion = try f.doubleAttribute(dataPath, "conversion") ?? 1
            let offset = try f.doubleAttribute(dataPath, "offset") ?? 0
            let unit = try f.stringAttribute(dataPath, "unit") ?? ""
            let (units, toDisplay) = displayUnits(for: unit)
            let samples = try scale(raw, factor: conversion * toDisplay, offset: offset * toDisplay, f: f, path: dataPath)

            var dt: Double, start: Double
            if f.exists(path + "/starting_time") {
                guard let rate = try f.doubleAttribute(path + "/starting_time", "rate"), rate > 0, rate.isFinite else {
                    throw f.error(.invalidField, path + "/starting_time@rate", "missing or non-positive rate")
                }
                dt = 1 / rate
                start = try f.doubleDataset(path + "/starting_time").first ?? 0
            } else if f.exists(path + "/timestamps") {
                let t = try f.doubleDataset(path + "/timestamps")
                guard t.count >= 2, t.count == raw.count, let first = t.first, let last = t.last, last > first else {
                    throw f.error(.invalidField, path + "/timestamps", "timestamps do not match the data or do not increase")
                }
                dt = (last - first) / Double(t.count - 1)
                start = first
            } else {
                throw f.error(.invalidField, path, "neither starting_time nor timestamps")
            }
            var key = name, sweep = -1
            if let r = name.range(of: "_sweep", options: .backwards), let n = Int(name[r.upperBound...]) { key = String(name[..<r.lowerBound]); sweep = n }
            if let n = try f.doubleAttribute(path, "sweep_number") { sweep = Int(n) }
            series.append(Series(key: key, sweep: sweep, name: name, samples: samples, units: units, dt: dt, start: start))
        }
        guard !series.isEmpty else { throw f.error(.invalidField, "/acquisition", "no patch-clamp or time series") }

        var keys: [String] = []
        for s in series where !keys.contains(s.key) { keys.append(s.key) }
        var channels: [RecordingChannel] = []
        var starts: [Double] = []
        let dt = series[0].dt
        for key in keys {
            let sweeps = series.filter { $0.key == key }.sorted { ($0.sweep, $0.name) < ($1.sweep, $1.name) }
            guard sweeps.allSatisfy({ abs($0.dt - dt) <= 1e-9 * dt }) else {
                throw f.error(.unsupported, "/acquisition/\(key)", "series sample at different rates")
            }
            if channels.isEmpty { starts = sweeps.map(\.start) }
            guard channels.isEmpty || sweeps.count == channels[0].sweeps.count else {
                throw f.error(.unsupported, "/acquisition/\(key)", "channels with different numbers of sweeps")
            }
            channels.append(RecordingChannel(name: key, units: sweeps[0].units, sweeps: sweeps.map(\.samples)))
        }
        let version = try f.stringAttribute("/", "nwb_version") ?? ""
        var meta: [String: String] = [:]
        for field in ["identifier", "session_description", "session_start_time"] where f.exists("/" + field) {
            meta[field] = try? f.stringDataset("/" + field)
        }
        return Recording(channels: channels, sampleInterval: dt, sweepStartTimes: starts,
                         provenance: Provenance(file: path, format: .nwb, formatVersion: version, metadata: meta))
    }

    /// The units PatchFit shows for an SI unit, and the factor from SI to them.
    static func displayUnits(for unit: String) -> (String, Double) {
        switch unit.lowercased() {
        case "amperes", "ampere", "a": return ("pA", 1e12)
        case "volts", "volt", "v": return ("mV", 1e3)
        default: return (unit, 1)
        }
    }

    /// Applies `x · factor + offset`, keeping samples bit-identical when the factor is 1 up to
    /// float32 rounding of the stored conversion (so that a round trip is lossless).
    static func scale(_ raw: [Float], factor: Double, offset: Double, f: H5File, path: String) throws(PatchDataError) -> [Float] {
        guard factor.isFinite, factor != 0, offset.isFinite else { throw f.error(.invalidField, path + "@conversion", "conversion \(factor) or offset \(offset) unusable") }
        var out = raw
        if abs(factor - 1) > 1e-6 || offset != 0 {
            for i in out.indices { out[i] = Float(Double(raw[i]) * factor + offset) }
        }
        if let bad = out.firstIndex(where: { !$0.isFinite }) {
            throw f.error(.invalidValue, path, "sample \(bad) is not finite")
        }
        return out
    }
}
