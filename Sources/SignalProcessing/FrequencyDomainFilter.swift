import CFFTW
import Foundation

/// Applies a zero-phase filter given by its real frequency response to a long record,
/// in the frequency domain, chunk by chunk (overlap-save).
///
/// Each chunk is transformed with `margin` samples of context on either side, so the
/// circular wrap-around of the FFT only touches samples that are discarded; before the first
/// and after the last sample the record is extended by mirror reflection (x[−i] = x[i]),
/// which keeps the ends free of the step a zero-padded record would show. The result is exact
/// to within the part of the impulse response beyond `margin` samples. Chunks run in
/// parallel; each output sample depends only on the input, never on the thread count.
enum FrequencyDomainFilter {
    /// Preferred FFT length for long records (a 2^18-point r2c+c2r pair takes a few ms).
    static let preferredBlock = 1 << 18

    /// Filters `x` with the zero-phase response `gain(f)`, f in cycles per sample (0…0.5).
    static func apply(_ x: [Double], margin: Int, gain: (Double) -> Double) -> [Double] {
        let n = x.count
        guard n > 0 else { return [] }
        let margin = max(margin, 1)
        let fftLength = min(FFTPlanCache.goodLength(atLeast: max(preferredBlock, 4 * margin)),
                            FFTPlanCache.goodLength(atLeast: n + 2 * margin))
        let block = fftLength - 2 * margin
        let chunkCount = (n + block - 1) / block
        // The response is tabulated once per bin (real: zero phase).
        let bins = fftLength / 2 + 1
        let scale = 1.0 / Double(fftLength)
        let response = (0..<bins).map { gain(Double($0) / Double(fftLength)) * scale }
        var y = [Double](repeating: 0, count: n)
        let workers = min(chunkCount, ProcessInfo.processInfo.activeProcessorCount)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                let out = UnsafeMutableSendablePointer(yp.baseAddress!)
                let inp = UnsafeSendablePointer(xp.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    let buf = FFTBuffer(length: fftLength)
                    var c = w
                    while c < chunkCount {
                        let first = c * block
                        let start = first - margin
                        if start >= 0 && start + fftLength <= n {
                            buf.real.update(from: inp.p + start, count: fftLength)
                        } else {
                            for i in 0..<fftLength { buf.real[i] = inp.p[reflect(start + i, n)] }
                        }
                        buf.forwardTransform()
                        for k in 0..<bins {
                            buf.spectrum[k].0 *= response[k]
                            buf.spectrum[k].1 *= response[k]
                        }
                        buf.inverseTransform()
                        let count = min(block, n - first)
                        (out.p + first).update(from: buf.real + margin, count: count)
                        c += workers
                    }
                }
            }
        }
        return y
    }

    /// Mirror index into 0..<n (no repeated edge sample); period 2n−2.
    @inline(__always)
    static func reflect(_ i: Int, _ n: Int) -> Int {
        if n == 1 { return 0 }
        let period = 2 * n - 2
        var j = i % period
        if j < 0 { j += period }
        return j < n ? j : period - j
    }
}

/// Pointer wrappers that let concurrentPerform workers write disjoint ranges of one array.
struct UnsafeMutableSendablePointer<T>: @unchecked Sendable {
    let p: UnsafeMutablePointer<T>
    init(_ p: UnsafeMutablePointer<T>) { self.p = p }
}

struct UnsafeSendablePointer<T>: @unchecked Sendable {
    let p: UnsafePointer<T>
    init(_ p: UnsafePointer<T>) { self.p = p }
}
