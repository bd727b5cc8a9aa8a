import CHDF5
import Foundation

extension H5File {
    // MARK: - Reading datasets

    /// The dimensions of a dataset.
    func shape(_ path: String) throws(PatchDataError) -> [Int] {
        let d = H5Dopen2(handle.id, path, pf_H5P_DEFAULT())
        guard d >= 0 else { throw error(.invalidField, path, "dataset is missing or unreadable") }
        defer { _ = H5Dclose(d) }
        let space = H5Dget_space(d)
        defer { _ = H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0, rank <= 8 else { throw error(.invalidField, path, "dataspace of rank \(rank)") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        _ = H5Sget_simple_extent_dims(space, &dims, nil)
        return dims.map { Int(clamping: $0) }
    }

    /// A numeric dataset of any stored type, converted by HDF5 to `Float` (1-D or flattened).
    func floatDataset(_ path: String) throws(PatchDataError) -> [Float] {
        try numericDataset(path, memoryType: pf_H5T_NATIVE_FLOAT(), zero: Float(0))
    }

    /// A numeric dataset converted to `Double`.
    func doubleDataset(_ path: String) throws(PatchDataError) -> [Double] {
        try numericDataset(path, memoryType: pf_H5T_NATIVE_DOUBLE(), zero: 0.0)
    }

    private func numericDataset<T>(_ path: String, memoryType: hid_t, zero: T) throws(PatchDataError) -> [T] {
        let d = H5Dopen2(handle.id, path, pf_H5P_DEFAULT())
        guard d >= 0 else { throw error(.invalidField, path, "dataset is missing or unreadable") }
        defer { _ = H5Dclose(d) }
        let type = H5Dget_type(d)
        defer { _ = H5Tclose(type) }
        let cls = H5Tget_class(type)
        guard cls == H5T_FLOAT || cls == H5T_INTEGER else { throw error(.invalidField, path, "dataset is not numeric") }
        let space = H5Dget_space(d)
        defer { _ = H5Sclose(space) }
        let n = H5Sget_simple_extent_npoints(space)
        guard n >= 0, n < 1 << 40 else { throw error(.invalidField, path, "dataset of \(n) points") }
        var out = [T](repeating: zero, count: Int(n))
        guard n > 0 else { return out }
        let status = out.withUnsafeMutableBytes { H5Dread(d, memoryType, H5S_ALL_id, H5S_ALL_id, pf_H5P_DEFAULT(), $0.baseAddress) }
        guard status >= 0 else { throw error(.truncated, path, "dataset could not be read (truncated or corrupt file)") }
        return out
    }

    /// The string of a one-element string dataset.
    func stringDataset(_ path: String) throws(PatchDataError) -> String {
        let d = H5Dopen2(handle.id, path, pf_H5P_DEFAULT())
        guard d >= 0 else { throw error(.invalidField, path, "dataset is missing or unreadable") }
        defer { _ = H5Dclose(d) }
        let type = H5Dget_type(d)
        defer { _ = H5Tclose(type) }
        guard H5Tget_class(type) == H5T_STRING else { throw error(.invalidField, path, "dataset is not text") }
        let space = H5Dget_space(d)
        defer { _ = H5Sclose(space) }
        return try readString(type: type, space: space, path: path) { mem, buffer in
            H5Dread(d, mem, H5S_ALL_id, H5S_ALL_id, pf_H5P_DEFAULT(), buffer)
        }
    }

    // MARK: - Writing datasets

    /// A 1-D float32 dataset, chunked and unfiltered so that readers can stream it.
    func writeFloat32(_ path: String, _ values: [Float]) throws(PatchDataError) {
        var dims = [hsize_t(values.count)]
        let space = H5Screate_simple(1, &dims, nil)
        defer { _ = H5Sclose(space) }
        let d = H5Dcreate2(handle.id, path, pf_H5T_IEEE_F32LE(), space, pf_H5P_DEFAULT(), pf_H5P_DEFAULT(), pf_H5P_DEFAULT())
        guard d >= 0 else { throw error(.writeFailed, path, "could not create dataset") }
        defer { _ = H5Dclose(d) }
        let status = values.withUnsafeBytes { H5Dwrite(d, pf_H5T_NATIVE_FLOAT(), H5S_ALL_id, H5S_ALL_id, pf_H5P_DEFAULT(), $0.baseAddress) }
        guard status >= 0 else { throw error(.writeFailed, path, "could not write dataset") }
    }

    /// A scalar float64 dataset.
    func writeScalar(_ path: String, _ value: Double) throws(PatchDataError) {
        let space = H5Screate(H5S_SCALAR)
        defer { _ = H5Sclose(space) }
        let d = H5Dcreate2(handle.id, path, pf_H5T_IEEE_F64LE(), space, pf_H5P_DEFAULT(), pf_H5P_DEFAULT(), pf_H5P_DEFAULT())
        guard d >= 0 else { throw error(.writeFailed, path, "could not create dataset") }
        defer { _ = H5Dclose(d) }
        var v = value
        guard H5Dwrite(d, pf_H5T_NATIVE_DOUBLE(), H5S_ALL_id, H5S_ALL_id, pf_H5P_DEFAULT(), &v) >= 0 else { throw error(.writeFailed, path, "could not write dataset") }
    }

    /// A variable-length UTF-8 string dataset: scalar when `array` is false, else 1-D.
    func writeStrings(_ path: String, _ values: [String], array: Bool) throws(PatchDataError) {
        let type = variableStringType()
        defer { _ = H5Tclose(type) }
        var dims = [hsize_t(values.count)]
        let space = array ? H5Screate_simple(1, &dims, nil) : H5Screate(H5S_SCALAR)
        defer { _ = H5Sclose(space) }
        let d = H5Dcreate2(handle.id, path, type, space, pf_H5P_DEFAULT(), pf_H5P_DEFAULT(), pf_H5P_DEFAULT())
        guard d >= 0 else { throw error(.writeFailed, path, "could not create dataset") }
        defer { _ = H5Dclose(d) }
        let cStrings = values.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = cStrings.map { UnsafePointer($0) }
        guard H5Dwrite(d, type, H5S_ALL_id, H5S_ALL_id, pf_H5P_DEFAULT(), &pointers) >= 0 else { throw error(.writeFailed, path, "could not write dataset") }
    }
}

/// `H5S_ALL` is a macro; the shim exposes it as a function.
var H5S_ALL_id: hid_t { pf_H5S_ALL() }
