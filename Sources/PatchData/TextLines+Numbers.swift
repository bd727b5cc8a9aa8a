import Foundation

extension TextLines {
    /// Parses the numeric cells of one data row straight from its UTF-8 bytes (the hot path of
    /// large CSV traces): cells split on `delimiter` (runs of spaces when it is " "), spaces and
    /// double quotes trimmed, each converted with `strtod`. Returns nil when a cell is not a
    /// complete number, with `badCell` set to its index; NaN and infinities are returned as
    /// parsed (the caller rejects them with a line number).
    static func numbers(in line: Substring, delimiter: Character, into out: inout [Double], badCell: inout Int) -> Bool {
        out.removeAll(keepingCapacity: true)
        let separator = delimiter.asciiValue ?? UInt8(ascii: ",")
        var line = line
        return line.withUTF8 { bytes -> Bool in
            var buffer = [CChar](repeating: 0, count: 64)
            var i = 0
            let n = bytes.count
            while i <= n {
                if separator == UInt8(ascii: " ") { while i < n, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
                var end = i
                while end < n, bytes[end] != separator { end += 1 }
                var a = i, b = end
                while a < b, bytes[a] == 0x20 || bytes[a] == 0x09 || bytes[a] == 0x22 { a += 1 }
                while b > a, bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09 || bytes[b - 1] == 0x22 { b -= 1 }
                if separator == UInt8(ascii: " ") && a == b && end >= n { break }
                guard b > a, b - a < buffer.count else { badCell = out.count; return false }
                for k in a..<b { buffer[k - a] = CChar(bitPattern: bytes[k]) }
                buffer[b - a] = 0
                var parsed: Double = 0
                let complete = buffer.withUnsafeMutableBufferPointer { p -> Bool in
                    var stop: UnsafeMutablePointer<CChar>?
                    parsed = strtod(p.baseAddress!, &stop)
                    return stop == p.baseAddress! + (b - a)
                }
                guard complete else { badCell = out.count; return false }
                out.append(parsed)
                i = end + 1
            }
            return true
        }
    }
}
