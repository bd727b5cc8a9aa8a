import ArgumentParser
import Foundation
import Idealization
import PatchData
import SignalProcessing

struct IdealiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idealise",
        abstract: "Idealise a single-channel record into a dwell list (.dwt or CSV).",
        discussion: """
            Conditions the record (optional Gaussian low-pass, mains notch, baseline drift \
            removal), finds the current levels from the amplitude histogram (or uses --levels), \
            assigns every sample a level by SKM (Viterbi + re-estimation), Baum–Welch or \
            half-amplitude threshold crossing, then imposes a resolution (default 0.179/f_c of the \
            combined --filter-hz and --acquisition-filter-hz, when either is given). The output is deterministic. Writes .dwt when --out ends in \
            .dwt, otherwise CSV with columns start_s,duration_s,level,amplitude_pA.
            """)

    @Argument(help: "Recording to idealise (ABF, NWB, CSV/ATF text trace, raw samples with --raw).")
    var input: String

    @Option(help: "Channel to idealise, numbered from 0.")
    var channel = 0

    @Option(help: "Gaussian low-pass cut-off in Hz (none if omitted).")
    var filterHz: Double?

    @Option(help: "Cut-off (Hz) of the filter already applied at acquisition, if known; it enters the default resolution.")
    var acquisitionFilterHz: Double?

    @Option(help: "Mains interference removal: auto, 50, 60 or off.")
    var notch = "auto"

    @Option(help: "Baseline drift removal: on or off.")
    var baseline = "on"

    @Option(help: "Idealisation method: skm, baum-welch or threshold.")
    var method = "skm"

    @Option(help: "Number of levels including the shut level (detected if omitted).")
    var levels: Int?

    @Option(help: "Resolution (dead time) to impose, in seconds; 0 for none.")
    var resolution: Double?

    @Option(help: "Direction of openings: up, down or auto (auto: the more occupied extreme level is shut).")
    var openDirection = "auto"

    @Option(help: ArgumentHelp("Transition times: interpolated (where the record crosses halfway between the levels) or samples (whole-sample durations, as Clampfit).",
                               valueName: "timing"))
    var transitionTimes = "interpolated"

    @Option(help: "Output dwell list: .dwt (QuB) or .csv.")
    var out: String

    @OptionGroup var reading: ReadingOptions

    func validate() throws {
        guard channel >= 0 else { throw ValidationError("--channel must be ≥ 0") }
        if let f = filterHz, !(f > 0 && f.isFinite) { throw ValidationError("--filter-hz must be a positive number of Hz") }
        if let f = acquisitionFilterHz, !(f > 0 && f.isFinite) {
            throw ValidationError("--acquisition-filter-hz must be a positive number of Hz")
        }
        guard ["auto", "50", "60", "off"].contains(notch) else { throw ValidationError("--notch must be auto, 50, 60 or off") }
        guard ["on", "off"].contains(baseline) else { throw ValidationError("--baseline must be on or off") }
        guard ["skm", "baum-welch", "threshold"].contains(method) else {
            throw ValidationError("--method must be skm, baum-welch or threshold")
        }
        if let k = levels, k < 2 || k > 64 { throw ValidationError("--levels must be 2…64 (shut plus open levels)") }
        if let r = resolution, !(r >= 0 && r.isFinite) { throw ValidationError("--resolution must be ≥ 0 seconds") }
        guard IdealisationSettings.OpenDirection(rawValue: openDirection) != nil else {
            throw ValidationError("--open-direction must be up, down or auto")
        }
        guard IdealisationSettings.TransitionTiming(rawValue: transitionTimes) != nil else {
            throw ValidationError("--transition-times must be interpolated or samples")
        }
    }

    var settings: IdealisationSettings {
        var s = IdealisationSettings()
        s.filterCutoff = filterHz
        s.acquisitionFilterCutoff = acquisitionFilterHz
        s.lineNoise = notch == "auto" ? .auto : notch == "off" ? .off : .frequency(Double(notch) ?? 50)
        s.baselineCorrection = baseline == "on"
        s.method = method == "threshold" ? .threshold : method == "baum-welch" ? .baumWelch : .skm
        s.levelCount = levels
        s.resolution = resolution
        s.openDirection = IdealisationSettings.OpenDirection(rawValue: openDirection) ?? .auto
        s.transitionTiming = IdealisationSettings.TransitionTiming(rawValue: transitionTimes) ?? .interpolated
        return s
    }

    func run() throws {
        guard case let .recording(recording) = try PatchFileReader.read(input, options: reading.readOptions) else {
            throw ValidationError("\(input) holds dwells, not samples: it is idealised already")
        }
        let result = try Idealiser.idealise(recording, channel: channel, settings: settings)
        try DwellFileWriter.write(result.dwells, to: out, format: DwellFileWriter.format(forPath: out))
        print(result.summary)
        for w in result.warnings { printError("warning: \(w)") }
    }
}
