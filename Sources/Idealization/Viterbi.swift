import Foundation

/// The most probable level path of a `LevelModel` given the samples (Viterbi 1967), in log space.
///
/// Long segments are cut into fixed chunks of `chunkLength` samples that are decoded in
/// parallel, each with `chunkMargin` samples of context on either side (paths of a Gaussian
/// HMM coalesce within a few dwells, far inside 4096 samples). The chunk layout depends only
/// on the record, so the result is the same on any number of cores. Ties go to the lower level.
enum Viterbi {
    static let chunkLength = 1 << 18
    static let chunkMargin = 4096

    /// Level index per sample; each segment starts from the model's initial distribution.
    static func path(_ x: [Double], model: LevelModel, segments: [Range<Int>]) -> [UInt8] {
        var path = [UInt8](repeating: 0, count: x.count)
        // Work items: (decode range, keep range).
        var list: [(Range<Int>, Range<Int>)] = []
        for seg in segments where !seg.isEmpty {
            var start = seg.lowerBound
            while start < seg.upperBound {
                let end = min(seg.upperBound, start + chunkLength)
                let lo = max(seg.lowerBound, start - chunkMargin), hi = min(seg.upperBound, end + chunkMargin)
                list.append((lo..<hi, start..<end))
                start = end
            }
        }
        let items = list
        x.withUnsafeBufferPointer { xp in
            path.withUnsafeMutableBufferPointer { pp in
                let out = SendableMutablePointer(pp.baseAddress!), inp = SendablePointer(xp.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: items.count) { w in
                    let (decode, keep) = items[w]
                    var local = [UInt8](repeating: 0, count: decode.count)
                    local.withUnsafeMutableBufferPointer { lp in
                        decodeChunk(UnsafeBufferPointer(start: inp.p + decode.lowerBound, count: decode.count),
                                    model: model, into: lp.baseAddress!)
                    }
                    for t in keep { out.p[t] = local[t - decode.lowerBound] }
                }
            }
        }
        return path
    }

    /// Plain Viterbi over one stretch of samples.
    static func decodeChunk(_ x: UnsafeBufferPointer<Double>, model: LevelModel, into path: UnsafeMutablePointer<UInt8>) {
        let k = model.count, n = x.count
        guard n > 0 else { return }
        if k == 1 { for t in 0..<n { path[t] = 0 }; return }
        // One flat parameter block read through a raw pointer (no bounds checks in the loop):
        // log A transposed (column j contiguous), then μ, −1/(2σ²), −log σ.
        let params = UnsafeMutablePointer<Double>.allocate(capacity: k * k + 3 * k)
        defer { params.deallocate() }
        let laT = params, mu = params + k * k, a = mu + k, b = a + k
        for i in 0..<k {
            for j in 0..<k { laT[j * k + i] = log(max(model.transitions[i][j], 1e-300)) }
            mu[i] = model.means[i]
            a[i] = -0.5 / (model.sds[i] * model.sds[i])
            b[i] = -log(model.sds[i])
        }
        var back = [UInt8](repeating: 0, count: n * k)
        var delta = [Double](repeating: 0, count: k)
        for j in 0..<k {
            let d = x[0] - mu[j]
            delta[j] = log(max(model.initial[j], 1e-300)) + a[j] * d * d + b[j]
        }
        var next = delta
        back.withUnsafeMutableBufferPointer { bp in
                delta.withUnsafeMutableBufferPointer { d0 in
                    next.withUnsafeMutableBufferPointer { d1 in
                        var cur = d0.baseAddress!, nxt = d1.baseAddress!
                        let xs = x.baseAddress!
                        for t in 1..<n {
                            let xt = xs[t]
                            let row = bp.baseAddress! + t * k
                            for j in 0..<k {
                                let col = laT + j * k
                                var best = cur[0] + col[0], arg = 0
                                for i in 1..<k {
                                    let v = cur[i] + col[i]
                                    if v > best { best = v; arg = i }
                                }
                                row[j] = UInt8(truncatingIfNeeded: arg)
                                let d = xt - mu[j]
                                nxt[j] = best + a[j] * d * d + b[j]
                            }
                            // Keep scores near 0 so that long records lose no precision.
                            if t & 1023 == 0 {
                                let top = nxt[0]
                                for j in 0..<k { nxt[j] -= top }
                            }
                            swap(&cur, &nxt)
                        }
                        var arg = 0
                        for j in 1..<k where cur[j] > cur[arg] { arg = j }
                        path[n - 1] = UInt8(arg)
                        var t = n - 1
                        while t > 0 {
                            arg = Int(bp[t * k + arg])
                            path[t - 1] = UInt8(arg)
                            t -= 1
                        }
                    }
                }
        }
    }
}

struct SendableMutablePointer<T>: @unchecked Sendable {
    let p: UnsafeMutablePointer<T>
    init(_ p: UnsafeMutablePointer<T>) { self.p = p }
}

struct SendablePointer<T>: @unchecked Sendable {
    let p: UnsafePointer<T>
    init(_ p: UnsafePointer<T>) { self.p = p }
}
