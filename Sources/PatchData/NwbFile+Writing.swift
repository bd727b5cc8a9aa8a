import CHDF5
import Foundation

extension NwbFile {
    /// SI unit, conversion factor to it, and neurodata type for a channel's units.
    static func siUnits(for units: String) -> (unit: String, conversion: Double, type: String) {
        let currents: [String: Double] = ["fA": 1e-15, "pA": 1e-12, "nA": 1e-9, "uA": 1e-6, "µA": 1e-6, "mA": 1e-3, "A": 1]
        let voltages: [String: Double] = ["uV": 1e-6, "µV": 1e-6, "mV": 1e-3, "V": 1]
        if let c = currents[units] { return ("amperes", c, "VoltageClampSeries") }
        if let c = voltages[units] { return ("volts", c, "CurrentClampSeries") }
        return (units.isEmpty ? "unknown" : units, 1, "TimeSeries")
    }

    /// Writes `recording` as an NWB 2.x file at `path` (atomically: a temporary file renamed).
    public static func write(_ recording: Recording, to path: String, sessionDescription: String? = nil) throws(PatchDataError) {
        guard !recording.channels.isEmpty else {
            throw PatchDataError(.writeFailed, file: path, reason: "a recording without channels cannot be written")
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw PatchDataError(.writeFailed, file: path, reason: error.localizedDescription)
        }
        do {
            hdf5Lock.lock()
            defer { hdf5Lock.unlock() }
            try writeContents(recording, to: temporary, sessionDescription: sessionDescription)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw PatchDataError(.writeFailed, file: path, reason: error.description)
        }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw PatchDataError(.writeFailed, file: path, reason: String(cString: strerror(errno)))
        }
    }

    private static func writeContents(_ recording: Recording, to path: String, sessionDescription: String?) throws(PatchDataError) {
        let f = try H5File.create(path)
        let now = ISO8601DateFormatter().string(from: Date())
        func typed(_ object: String, _ type: String) throws(PatchDataError) {
            try f.setAttribute(object, "namespace", string: "core")
            try f.setAttribute(object, "neurodata_type", string: type)
            try f.setAttribute(object, "object_id", string: UUID().uuidString.lowercased())
        }
        try typed("/", "NWBFile")
        try f.setAttribute("/", "nwb_version", string: nwbVersion)
        try f.writeStrings("/file_create_date", [now], array: true)
        try f.writeStrings("/identifier", [UUID().uuidString.lowercased()], array: false)
        let source = recording.provenance.file.isEmpty ? "generated" : recording.provenance.file
        try f.writeStrings("/session_description", [sessionDescription ?? "PatchFit export of \(source)"], array: false)
        try f.writeStrings("/session_start_time", [now], array: false)
        try f.writeStrings("/timestamps_reference_time", [now], array: false)
        for g in ["/acquisition", "/analysis", "/processing", "/stimulus", "/stimulus/presentation", "/stimulus/templates",
                  "/general", "/general/devices", "/general/intracellular_ephys"] {
            try f.createGroup(g)
        }
        try f.createGroup("/general/devices/amplifier")
        try typed("/general/devices/amplifier", "Device")
        let electrode = "/general/intracellular_ephys/electrode0"
        try f.createGroup(electrode)
        try typed(electrode, "IntracellularElectrode")
        try f.writeStrings(electrode + "/description", ["patch pipette"], array: false)
        try f.softLink(electrode + "/device", to: "/general/devices/amplifier")

        for channel in recording.channels {
            let si = siUnits(for: channel.units)
            let safeName = channel.name.isEmpty ? "channel" : channel.name.replacingOccurrences(of: "/", with: "_")
            for (k, samples) in channel.sweeps.enumerated() {
                let series = "/acquisition/\(safeName)_sweep\(String(format: "%03d", k))"
                try f.createGroup(series)
                try typed(series, si.type)
                try f.setAttribute(series, "description", string: "\(channel.name) (\(channel.units)), sweep \(k)")
                try f.setAttribute(series, "comments", string: "no comments")
                if si.type != "TimeSeries" {
                    try f.setAttribute(series, "stimulus_description", string: "N/A")
                    try f.setAttribute(series, "sweep_number", int: Int64(k))
                    try f.softLink(series + "/electrode", to: electrode)
                }
                try f.writeFloat32(series + "/data", samples)
                try f.setAttribute(series + "/data", "unit", string: si.unit)
                try f.setAttribute(series + "/data", "conversion", double: si.conversion)
                try f.setAttribute(series + "/data", "offset", double: 0)
                try f.setAttribute(series + "/data", "resolution", double: -1)
                let start = k < recording.sweepStartTimes.count ? recording.sweepStartTimes[k] : 0
                try f.writeScalar(series + "/starting_time", start)
                try f.setAttribute(series + "/starting_time", "rate", double: recording.sampleRate)
                try f.setAttribute(series + "/starting_time", "unit", string: "seconds")
            }
        }
    }
}
