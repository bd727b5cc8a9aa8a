// Keeps freed heap memory for reuse instead of returning it to the kernel after every trajectory.
#if canImport(Glibc)
import Glibc
#endif

/// glibc serves blocks above its mmap threshold (128 KiB, rising only as such blocks are freed)
/// with fresh mappings and trims freed heap tops back to the kernel, so every tape, adjoint and
/// series of a 10⁵-event trajectory (~1–3 MB each) was faulted in and zeroed page by page again:
/// ~30 % of `patchfit bench engine` on channel3 (perf: exc_page_fault, clear_page). With blocks
/// up to 32 MiB from the heap and no trimming below 1 GiB, a fit's iterations reuse the memory
/// of the previous one. The peak footprint is unchanged; it is only kept until exit.
enum AllocatorTuning {
    static func keepFreedMemoryForReuse() {
        #if canImport(Glibc)
        // mallopt is not in Swift's Glibc module (no malloc.h): look it up. Option numbers from
        // glibc's malloc.h; a failed call leaves the defaults.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3
        _ = mallopt(mmapThreshold, 32 << 20)          // glibc's maximum on 64-bit
        _ = mallopt(trimThreshold, 1 << 30)
        #endif
    }
}
