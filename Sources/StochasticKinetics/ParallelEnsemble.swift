// Ensembles over all cores with results independent of the thread count.
import Dispatch
import Foundation

/// Runs independent items (trajectories) on all cores. Item i always computes the same result
/// (its randomness comes from (seed, i)); results are returned in index order and reductions
/// are done sequentially in that order, so output is bit-identical for any `threads`.
public enum ParallelEnsemble {
    /// The number of worker threads used when none is given: the active processor count.
    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Computes `body(i)` for i in 0..<count on up to `threads` threads (nil: all cores).
    /// `progress(done, total)` is called (from worker threads, serialised) after each item.
    /// - Throws: the error of the lowest-index item that failed (after all items ran).
    public static func map<T: Sendable>(count: Int, threads: Int? = nil,
                                        progress: (@Sendable (Int, Int) -> Void)? = nil,
                                        _ body: @Sendable (Int) throws -> T) throws -> [T] {
        guard count > 0 else { return [] }
        let workers = min(max(1, threads ?? defaultThreads), count)
        let slots = ResultSlots<T>(count: count)
        let counter = ProgressCounter(total: count, report: progress)
        // Dynamic assignment (an atomic-style ticket under a lock) balances uneven items; the
        // assignment never influences results, only which thread computes them.
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = counter.nextTicket() {
                slots.store(Result { try body(i) }, at: i)
                counter.completed()
            }
        }
        return try slots.collect()
    }

    /// Sums equally long vectors in index order (deterministic floating-point reduction).
    public static func sum(_ vectors: [[Double]]) -> [Double] {
        guard var total = vectors.first else { return [] }
        for v in vectors.dropFirst() { for k in total.indices { total[k] += v[k] } }
        return total
    }
}

// MARK: - Internal helpers

/// One result slot per item; each slot is written by exactly one worker, read after all finish.
/// The slots live in memory allocated once: workers write through a fixed pointer, never
/// through `Array`'s copy-on-write machinery, whose uniqueness check is not thread-safe.
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Result<T, any Error>?>
    private let count: Int
    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }
    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    func store(_ result: Result<T, any Error>, at i: Int) {
        slots[i] = result   // disjoint indices
    }
    func collect() throws -> [T] {
        try (0..<count).map { try slots[$0]!.get() }
    }
}

/// Hands out item indices and reports progress, under a lock.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0, done = 0
    private let total: Int
    private let report: (@Sendable (Int, Int) -> Void)?
    init(total: Int, report: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.report = report
    }
    func nextTicket() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < total else { return nil }
        next += 1
        return next - 1
    }
    func completed() {
        lock.lock(); defer { lock.unlock() }
        done += 1
        report?(done, total)
    }
}
