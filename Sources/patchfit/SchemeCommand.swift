import ArgumentParser
import Foundation
import GatingModels
import PatchData

struct SchemeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheme",
        abstract: "List and convert gating-scheme files (PatchFit YAML, DCPROGS .mec).",
        subcommands: [SchemeListCommand.self, SchemeConvertCommand.self])
}

struct SchemeListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the rate sets of a DCPROGS .mec mechanism file.",
        discussion: "Each line: the rate-set number N to give as FILE.mec#N, DCPROGS's mechanism number, the number of states, the mechanism title and the rate-set title.")

    @Argument(help: "A DCPROGS .mec mechanism file (as written by HJCFIT, SCALCS, SCSIM).")
    var file: String

    func validate() throws {
        guard GatingScheme.mecSource(file)?.rateSet == nil else {
            throw ValidationError("give the .mec file itself (no #N) to list its rate sets")
        }
        guard GatingScheme.mecSource(file) != nil else { throw ValidationError("'\(file)' is not a .mec file") }
    }

    func run() throws {
        let mec = try DCProgsMechanismFile(contentsOf: file)
        print("\(file): DCPROGS mechanism file version \(mec.version), \(mec.rateSets.count) rate set(s)")
        print("set  mechanism  states  title / rate-set title")
        for e in mec.rateSets {
            print(String(format: "%3d  %9d  %6d  ", e.index, e.mechanismNumber, e.stateCount) + "\(e.mechanismTitle) / \(e.rateSetTitle)")
        }
    }
}

struct SchemeConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write a scheme (YAML, or a rate set of a DCPROGS .mec file) as PatchFit YAML.",
        discussion: """
            FILE.mec#N chooses rate set N (see `patchfit scheme list`); a .mec file with one rate \
            set needs no #N. Voltage-dependent rates are written at 0 V with their voltage \
            coefficient; open-state amplitudes are γ·(vref − reversal).
            """)

    @Argument(help: "Scheme to convert: FILE.yaml, FILE.mec or FILE.mec#N.")
    var scheme: String

    @Option(help: "Output YAML file (written atomically).")
    var out: String

    @Option(help: "Reversal potential in volts, for open-state amplitudes of .mec schemes.")
    var reversal: Double = 0

    func validate() throws {
        guard reversal.isFinite else { throw ValidationError("--reversal must be finite (volts)") }
        guard !out.isEmpty else { throw ValidationError("--out needs a file name") }
    }

    func run() throws {
        let model: GatingScheme
        var comment = "Converted by patchfit scheme convert from \(scheme)"
        if let mec = GatingScheme.mecSource(scheme) {
            model = try GatingScheme(mecFile: mec.file, rateSet: mec.rateSet, reversalPotential: reversal)
            if let e = try DCProgsMechanismFile(contentsOf: mec.file).rateSets.first(where: { $0.index == (mec.rateSet ?? 1) }) {
                comment += "\nrate set \(e.index): mechanism \(e.mechanismNumber) '\(e.mechanismTitle)' / '\(e.rateSetTitle)'"
            }
            comment += "\nrates at 0 V (voltage-dependent ones with their coefficient); concentration-dependent rates in M⁻¹s⁻¹"
        } else {
            model = try GatingScheme(contentsOf: scheme)
        }
        try AtomicFile.write(model.yamlString(comment: comment), to: out)
        print("wrote \(out): \(model.states.count) states, \(model.transitions.count) rates")
    }
}
