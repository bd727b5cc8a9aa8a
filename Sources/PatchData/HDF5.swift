import CHDF5
import Foundation

/// A thin, throwing layer over the HDF5 C library: just what the NWB reader and writer need.
///
/// HDF5 prints its own error stack by default; PatchFit silences it and reports a
/// `PatchDataError` naming the file and the object instead. Every handle is closed by `deinit`.
final class H5Object {
    let id: hid_t
    private let close: (hid_t) -> herr_t

    init(_ id: hid_t, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.close = close
    }

    deinit { _ = close(id) }
}

/// HDF5 serialises access internally only when built thread-safe; Debian's serial build is not,
/// so every call goes through this lock.
let hdf5Lock = NSLock()

struct H5File {
    let file: String
    let handle: H5Object

    // MARK: - Opening

    static func open(_ path: String) throws(PatchDataError) -> H5File {
        pf_H5_silence_errors()
        let id = H5Fopen(path, pf_H5F_ACC_RDONLY(), pf_H5P_DEFAULT())
        guard id >= 0 else { throw PatchDataError(.unreadable, file: path, reason: "HDF5 could not open the file (corrupt or truncated)") }
        return H5File(file: path, handle: H5Object(id, close: H5Fclose))
    }

    static func create(_ path: String) throws(PatchDataError) -> H5File {
        pf_H5_silence_errors()
        let id = H5Fcreate(path, pf_H5F_ACC_TRUNC(), pf_H5P_DEFAULT(), pf_H5P_DEFAULT())
        guard id >= 0 else { throw PatchDataError(.writeFailed, file: path, reason: "HDF5 could not create the file") }
        return H5File(file: path, handle: H5Object(id, close: H5Fclose))
    }

    func error(_ kind: PatchDataError.Kind, _ object: String, _ reason: String) -> PatchDataError {
        PatchDataError(kind, file: file, field: object, reason: reason)
    }

    // MARK: - Structure

    func exists(_ path: String) -> Bool {
        // Check each component: H5Lexists fails on a missing intermediate group.
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if H5Lexists(handle.id, prefix, pf_H5P_DEFAULT()) <= 0 { return false }
        }
        return true
    }

    func isGroup(_ path: String) -> Bool {
        guard exists(path) else { return false }
        let id = H5Gopen2(handle.id, path, pf_H5P_DEFAULT())
        if id >= 0 { _ = H5Gclose(id); return true }
        return false
    }

    /// Names of the links in a group, in name order.
    func children(of path: String) throws(PatchDataError) -> [String] {
        let g = H5Gopen2(handle.id, path, pf_H5P_DEFAULT())
        guard g >= 0 else { throw error(.invalidField, path, "group is missing or unreadable") }
        defer { _ = H5Gclose(g) }
        var info = H5G_info_t()
        guard H5Gget_info(g, &info) >= 0 else { throw error(.invalidField, path, "group info unreadable") }
        var names: [String] = []
        for i in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, pf_H5P_DEFAULT())
            guard length >= 0 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            _ = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buffer, Int(length) + 1, pf_H5P_DEFAULT())
            names.append(String(nulTerminated: buffer))
        }
        return names
    }

    @discardableResult
    func createGroup(_ path: String) throws(PatchDataError) -> String {
        let g = H5Gcreate2(handle.id, path, pf_H5P_DEFAULT(), pf_H5P_DEFAULT(), pf_H5P_DEFAULT())
        guard g >= 0 else { throw error(.writeFailed, path, "could not create group") }
        _ = H5Gclose(g)
        return path
    }

    func softLink(_ path: String, to target: String) throws(PatchDataError) {
        guard H5Lcreate_soft(target, handle.id, path, pf_H5P_DEFAULT(), pf_H5P_DEFAULT()) >= 0 else {
            throw error(.writeFailed, path, "could not link to \(target)")
        }
    }

    // MARK: - Attributes

    private func withObject<T>(_ path: String, _ body: (hid_t) throws(PatchDataError) -> T) throws(PatchDataError) -> T {
        let o = H5Oopen(handle.id, path, pf_H5P_DEFAULT())
        guard o >= 0 else { throw error(.invalidField, path, "object is missing or unreadable") }
        defer { _ = H5Oclose(o) }
        return try body(o)
    }

    func hasAttribute(_ path: String, _ name: String) -> Bool {
        (try? withObject(path) { o throws(PatchDataError) in H5Aexists(o, name) > 0 }) ?? false
    }

    /// Opens attribute `name` of the object at `path` (nil if absent) and hands the attribute
    /// and its type to `body`, closing both afterwards.
    private func withAttribute<T>(_ path: String, _ name: String,
                                  _ body: (_ attribute: hid_t, _ type: hid_t) throws(PatchDataError) -> T) throws(PatchDataError) -> T? {
        guard hasAttribute(path, name) else { return nil }
        return try withObject(path) { o throws(PatchDataError) in
            let a = H5Aopen(o, name, pf_H5P_DEFAULT())
            guard a >= 0 else { throw error(.invalidField, "\(path)@\(name)", "attribute unreadable") }
            defer { _ = H5Aclose(a) }
            let type = H5Aget_type(a)
            defer { _ = H5Tclose(type) }
            return try body(a, type)
        }
    }

    /// A string attribute (variable- or fixed-length), or nil if absent.
    func stringAttribute(_ path: String, _ name: String) throws(PatchDataError) -> String? {
        try withAttribute(path, name) { a, type throws(PatchDataError) in
            guard H5Tget_class(type) == H5T_STRING else { throw error(.invalidField, "\(path)@\(name)", "attribute is not text") }
            let space = H5Aget_space(a)
            defer { _ = H5Sclose(space) }
            return try readString(type: type, space: space, path: "\(path)@\(name)") { mem, buffer in H5Aread(a, mem, buffer) }
        }
    }

    /// A numeric scalar attribute as Double, or nil if absent.
    func doubleAttribute(_ path: String, _ name: String) throws(PatchDataError) -> Double? {
        try withAttribute(path, name) { a, type throws(PatchDataError) in
            let cls = H5Tget_class(type)
            guard cls == H5T_FLOAT || cls == H5T_INTEGER else { throw error(.invalidField, "\(path)@\(name)", "attribute is not a number") }
            let space = H5Aget_space(a)
            defer { _ = H5Sclose(space) }
            guard H5Sget_simple_extent_npoints(space) == 1 else { throw error(.invalidField, "\(path)@\(name)", "attribute is not a scalar") }
            var value = 0.0
            guard H5Aread(a, pf_H5T_NATIVE_DOUBLE(), &value) >= 0 else { throw error(.invalidField, "\(path)@\(name)", "attribute unreadable") }
            return value
        }
    }

    func setAttribute(_ path: String, _ name: String, string value: String) throws(PatchDataError) {
        try withObject(path) { o throws(PatchDataError) in
            let type = variableStringType()
            defer { _ = H5Tclose(type) }
            let space = H5Screate(H5S_SCALAR)
            defer { _ = H5Sclose(space) }
            let a = H5Acreate2(o, name, type, space, pf_H5P_DEFAULT(), pf_H5P_DEFAULT())
            guard a >= 0 else { throw error(.writeFailed, "\(path)@\(name)", "could not create attribute") }
            defer { _ = H5Aclose(a) }
            let status = value.withCString { c -> herr_t in
                var pointer: UnsafePointer<CChar>? = c
                return H5Awrite(a, type, &pointer)
            }
            guard status >= 0 else { throw error(.writeFailed, "\(path)@\(name)", "could not write attribute") }
        }
    }

    func setAttribute(_ path: String, _ name: String, double value: Double, asFloat32: Bool = false) throws(PatchDataError) {
        try withObject(path) { o throws(PatchDataError) in
            let space = H5Screate(H5S_SCALAR)
            defer { _ = H5Sclose(space) }
            let fileType = asFloat32 ? pf_H5T_IEEE_F32LE() : pf_H5T_IEEE_F64LE()
            let a = H5Acreate2(o, name, fileType, space, pf_H5P_DEFAULT(), pf_H5P_DEFAULT())
            guard a >= 0 else { throw error(.writeFailed, "\(path)@\(name)", "could not create attribute") }
            defer { _ = H5Aclose(a) }
            var v = value
            guard H5Awrite(a, pf_H5T_NATIVE_DOUBLE(), &v) >= 0 else { throw error(.writeFailed, "\(path)@\(name)", "could not write attribute") }
        }
    }

    func setAttribute(_ path: String, _ name: String, int value: Int64) throws(PatchDataError) {
        try withObject(path) { o throws(PatchDataError) in
            let space = H5Screate(H5S_SCALAR)
            defer { _ = H5Sclose(space) }
            let a = H5Acreate2(o, name, pf_H5T_STD_I64LE(), space, pf_H5P_DEFAULT(), pf_H5P_DEFAULT())
            guard a >= 0 else { throw error(.writeFailed, "\(path)@\(name)", "could not create attribute") }
            defer { _ = H5Aclose(a) }
            var v = value
            guard H5Awrite(a, pf_H5T_NATIVE_INT64(), &v) >= 0 else { throw error(.writeFailed, "\(path)@\(name)", "could not write attribute") }
        }
    }

    // MARK: - Strings

    func variableStringType() -> hid_t {
        let type = H5Tcopy(pf_H5T_C_S1())
        _ = H5Tset_size(type, Int(bitPattern: UInt(bitPattern: -1)))  // H5T_VARIABLE
        _ = H5Tset_cset(type, H5T_CSET_UTF8)
        return type
    }

    /// Reads the one string of a string-typed attribute or dataset, variable- or fixed-length.
    /// `space` must hold exactly one element: `read` fills as many as it holds.
    func readString(type: hid_t, space: hid_t, path: String, read: (hid_t, UnsafeMutableRawPointer) -> herr_t) throws(PatchDataError) -> String {
        let count = H5Sget_simple_extent_npoints(space)
        guard count == 1 else { throw error(.invalidField, path, "\(count) strings where one is expected") }
        if H5Tis_variable_str(type) > 0 {
            let mem = variableStringType()
            defer { _ = H5Tclose(mem) }
            var pointer: UnsafeMutablePointer<CChar>?
            guard read(mem, &pointer) >= 0 else { throw error(.invalidField, path, "string unreadable") }
            defer { if let p = pointer { H5free_memory(p) } }
            return pointer.map { String(cString: $0) } ?? ""
        }
        let size = H5Tget_size(type)
        guard size > 0, size < 1 << 24 else { throw error(.invalidField, path, "string of size \(size)") }
        var buffer = [CChar](repeating: 0, count: size + 1)
        guard buffer.withUnsafeMutableBytes({ read(type, $0.baseAddress!) }) >= 0 else { throw error(.invalidField, path, "string unreadable") }
        return String(nulTerminated: buffer)
    }
}

extension String {
    /// The text of a NUL-terminated C buffer (bytes after the first NUL are ignored).
    init(nulTerminated buffer: [CChar]) {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self = String(decoding: bytes, as: UTF8.self)
    }
}
