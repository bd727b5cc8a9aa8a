import ArgumentParser
import Foundation
import PatchData

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a recording to NWB (.nwb) or gap-free ABF1 (.abf), or a dwell list to .dwt or CSV.",
        discussion: "The output format follows the output file's extension. ABF1 export writes the first sweep of each channel as int16.")

    @Argument(help: "Input file (any format `patchfit inspect` reads).")
    var input: String

    @Argument(help: "Output file: .nwb or .abf for recordings; .dwt or .csv for dwell lists.")
    var output: String

    @OptionGroup var reading: ReadingOptions

    func run() throws {
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        switch try PatchFileReader.read(input, options: reading.readOptions) {
        case .recording(let r):
            switch ext {
            case "nwb": try NwbFile.write(r, to: output)
            case "abf": try AbfFile.writeGapFreeABF1(r, to: output)
            default: throw ValidationError("a recording is written as .nwb or .abf, not .\(ext)")
            }
        case .dwells(let d):
            guard ext == "dwt" || ext == "csv" else { throw ValidationError("a dwell list is written as .dwt or .csv, not .\(ext)") }
            try DwellFileWriter.write(d, to: output, format: DwellFileWriter.format(forPath: output))
        }
        print("wrote \(output)")
    }
}
