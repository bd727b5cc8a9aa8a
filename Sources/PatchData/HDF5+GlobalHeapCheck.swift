import Foundation

/// A check of an HDF5 file's global heap collections, run before HDF5 reads the file.
///
/// Why: variable-length strings (NWB's attributes) live in global heap collections. The HDF5
/// 1.10 library Debian ships trusts each heap object's size field when it copies the object
/// out. A corrupt size there crashes the process (found by fuzzing: one flipped byte in an NWB
/// file's heap gave a segmentation fault in `H5HG_read`, which takes a whole batch down with
/// it). This check turns that case into a `PatchDataError`.
///
/// The layout it walks, from the HDF5 file format specification (III.E, "Global Heap"):
///
/// | offset | bytes | field |
/// |---|---|---|
/// | 0 | 4 | signature "GCOL" |
/// | 4 | 1 | version (1) |
/// | 5 | 3 | reserved (0) |
/// | 8 | L | collection size, header included (at least 4096) |
/// | 8 + L | … | heap objects, then object 0 (the free space) |
///
/// Each heap object is: index (uint16; 0 marks the free space, which runs to the end),
/// reference count (uint16), 4 reserved bytes, object size (L bytes), then the object's bytes
/// padded to a multiple of 8. L is the superblock's "size of lengths".
enum GlobalHeapCheck {
    static let signature: [UInt8] = Array("GCOL".utf8)

    /// Throws `.invalidField` (or `.truncated`) naming the first collection or object whose
    /// sizes do not fit. Bytes that merely contain "GCOL" are not taken for a collection unless
    /// its version, reserved bytes and size look like one.
    static func validate(_ r: ByteReader) throws(PatchDataError) {
        guard let lengthSize = sizeOfLengths(r) else { return }   // HDF5 itself reports a bad superblock
        var failure: PatchDataError?
        r.data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress else { return }
            let count = raw.count
            var position = 0
            while position + 8 + lengthSize <= count {
                // The next 'G', then the rest of the signature.
                guard let hit = memchr(base + position, Int32(signature[0]), count - position) else { return }
                let offset = base.distance(to: UnsafeRawPointer(hit))
                position = offset + 1
                guard offset + 8 + lengthSize <= count,
                      raw[offset + 1] == signature[1], raw[offset + 2] == signature[2], raw[offset + 3] == signature[3],
                      raw[offset + 4] == 1, raw[offset + 5] == 0, raw[offset + 6] == 0, raw[offset + 7] == 0 else { continue }
                let size = length(raw, at: offset + 8, bytes: lengthSize)
                guard size >= 4096 else { continue }
                if let error = checkCollection(raw, at: offset, size: size, lengthSize: lengthSize, file: r.file) {
                    failure = error
                    return
                }
                position = offset + Int(size)   // its objects' bytes are not searched again
            }
        }
        if let failure { throw failure }
    }

    /// The objects of the collection at `start`, walked as HDF5 walks them: each must fit inside
    /// the collection, and each step must advance (a free-space object of size 0 would make
    /// HDF5 loop forever; fuzzing found that too).
    private static func checkCollection(_ raw: UnsafeRawBufferPointer, at start: Int, size: UInt64, lengthSize: Int,
                                        file: String) -> PatchDataError? {
        guard size <= UInt64(raw.count - start) else {
            return PatchDataError(.truncated, file: file, field: "global heap collection size", offset: start + 8,
                                  reason: "a collection of \(size) bytes at byte \(start) runs past the end of the \(raw.count)-byte file")
        }
        let end = start + Int(size)
        let header = 8 + lengthSize
        var position = start + header
        while end - position >= header {
            let index = UInt16(raw[position]) | UInt16(raw[position + 1]) << 8
            let objectSize = length(raw, at: position + 8, bytes: lengthSize)
            let room = UInt64(end - position)
            // Object 0 is the free space: its size counts its own header.
            let fits = index == 0 ? objectSize >= UInt64(header) && objectSize <= room : objectSize <= room - UInt64(header)
            guard fits else {
                let what = index == 0 ? "free space" : "object \(index)"
                return PatchDataError(.invalidField, file: file, field: "global heap \(what) size", offset: position + 8,
                                      reason: "\(objectSize) bytes where \(room) are left in the \(size)-byte collection at byte \(start)")
            }
            position += index == 0 ? Int(objectSize) : header + (Int(objectSize) + 7) / 8 * 8
        }
        return nil
    }

    /// The superblock's "size of lengths" (2, 4 or 8), or nil if no superblock is found where
    /// HDF5 looks for one (byte 0, then 512, 1024, 2048, …).
    private static func sizeOfLengths(_ r: ByteReader) -> Int? {
        var at = 0
        while at + 16 <= r.count {
            let head = r.data[r.data.startIndex + at ..< r.data.startIndex + at + 8]
            if head.elementsEqual(PatchFileReader.hdf5Signature) {
                let version = r.data[r.data.startIndex + at + 8]
                let field = version <= 1 ? at + 14 : at + 10
                let size = Int(r.data[r.data.startIndex + field])
                return [2, 4, 8].contains(size) ? size : nil
            }
            at = at == 0 ? 512 : at * 2
        }
        return nil
    }

    /// A little-endian unsigned length of `bytes` bytes.
    private static func length(_ raw: UnsafeRawBufferPointer, at offset: Int, bytes: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in stride(from: bytes - 1, through: 0, by: -1) { value = value << 8 | UInt64(raw[offset + i]) }
        return value
    }
}
