import Foundation

/// Whole-file reads for the other modules' own formats (scheme, model and pipeline YAML, `.mec`),
/// with the same errors as the recording readers: the file, and why it cannot be read, in words
/// ("no such file", "a folder, not a file", "Permission denied") rather than Foundation's codes.
public enum FileContents {
    /// The bytes of the file at `path`.
    public static func bytes(_ path: String) throws(PatchDataError) -> Data {
        try ByteReader(contentsOf: path).data
    }

    /// The text of the file at `path`: UTF-8, or Latin-1 when it is not valid UTF-8 (a µ typed in
    /// an old editor). A NUL byte means a binary file was given where text belongs; the error
    /// names its offset.
    public static func text(_ path: String) throws(PatchDataError) -> String {
        try decodeText(bytes(path), file: path)
    }

    static func decodeText(_ data: Data, file: String) throws(PatchDataError) -> String {
        if let nul = data.firstIndex(of: 0) {
            throw PatchDataError(.invalidValue, file: file, offset: nul - data.startIndex,
                                 reason: "binary data (a NUL byte) in a text file")
        }
        return String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) ?? ""
    }
}
