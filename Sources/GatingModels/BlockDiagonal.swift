import CLAPACK
import Foundation

/// A block-diagonal matrix kept as its blocks (the within-level part of a Q-matrix block when
/// the states are grouped by level): products and matrix functions block by block.
struct BlockDiagonal: Sendable {
    let blocks: [Matrix]
    /// Where each block's rows and columns start.
    let offsets: [Int]
    let size: Int

    init(_ blocks: [Matrix]) {
        self.blocks = blocks
        var offsets: [Int] = [], n = 0
        for b in blocks { offsets.append(n); n += b.rows }
        self.offsets = offsets
        size = n
    }

    /// a · self for a with `size` columns: one `cblas_dgemm` per block on a's column strip.
    func rightMultiplying(_ a: Matrix) -> Matrix {
        precondition(a.columns == size, "inner dimensions differ")
        _ = blasSingleThreaded
        var out = Matrix(rows: a.rows, columns: size)
        if a.rows == 0 { return out }
        a.elements.withUnsafeBufferPointer { pa in
            out.elements.withUnsafeMutableBufferPointer { po in
                for (b, block) in blocks.enumerated() where block.rows > 0 {
                    block.elements.withUnsafeBufferPointer { pb in
                        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                                    Int32(a.rows), Int32(block.rows), Int32(block.rows),
                                    1.0, pa.baseAddress! + offsets[b], Int32(size),
                                    pb.baseAddress, Int32(block.rows),
                                    0.0, po.baseAddress! + offsets[b], Int32(size))
                    }
                }
            }
        }
        return out
    }

    /// self · other, block by block.
    func multiplying(_ other: BlockDiagonal) -> BlockDiagonal {
        BlockDiagonal(zip(blocks, other.blocks).map { $0 * $1 })
    }

    /// The full matrix.
    var dense: Matrix {
        var m = Matrix(rows: size, columns: size)
        for (b, block) in blocks.enumerated() {
            for i in 0..<block.rows { for j in 0..<block.columns { m[offsets[b] + i, offsets[b] + j] = block[i, j] } }
        }
        return m
    }
}
