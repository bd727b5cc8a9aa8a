import Foundation

/// N identical, independent channels in one patch as one Markov process (the aggregate that
/// QuB's MIL fits for multi-channel records): a state is an occupancy vector — how many
/// channels sit in each state of the scheme — and the observed level is how many channels are
/// open. From occupancy n, a channel in state i moves to j at n_i·q_ij.
///
/// The state space has C(k + N − 1, N) states for a k-state scheme (CH82 with 3 channels: 35).
public struct ChannelPatch: Sendable {
    /// Channels in the patch.
    public let channels: Int
    /// Occupancy vector of each aggregate state (k counts summing to `channels`), in
    /// lexicographic order from all channels in the scheme's first state.
    public let occupancies: [[Int]]
    /// Open channels in each aggregate state (the record's level).
    public let levels: [Int]
    /// The aggregate generator (rows sum to zero).
    public let matrix: Matrix
    /// The single-channel Q-matrix it was built from.
    public let single: QMatrix

    /// Aggregate states allowed. The HJC terms grow about as the cube of the states: one
    /// likelihood evaluation of a 2-s C–C–O record takes 0.01 s with 5 channels (21 states),
    /// 0.14 s with 10 (66), 0.77 s with 14 (120) — a fit needs ~150 of them. The SSA route has
    /// no such limit.
    public static let maximumStates = 150

    /// - Throws: `invalidArgument` for fewer than one channel, or more aggregate states than
    ///   `maximumStates`.
    public init(_ q: QMatrix, channels: Int) throws {
        guard channels >= 1 else { throw GatingModelsError.invalidArgument(name: "channels", reason: "\(channels): need ≥ 1") }
        let k = q.stateCount
        let count = Self.stateCount(schemeStates: k, channels: channels)
        guard count <= Self.maximumStates else {
            throw GatingModelsError.invalidArgument(
                name: "channels",
                reason: "\(channels) channels of a \(k)-state scheme make \(count) aggregate states (the likelihood allows \(Self.maximumStates)); use the SSA route")
        }
        var all: [[Int]] = []
        var current = [Int](repeating: 0, count: k)
        func fill(_ state: Int, _ left: Int) {
            if state == k - 1 { current[state] = left; all.append(current); return }
            for n in stride(from: left, through: 0, by: -1) { current[state] = n; fill(state + 1, left - n) }
        }
        fill(0, channels)
        var index: [[Int]: Int] = [:]
        for (i, n) in all.enumerated() { index[n] = i }
        var m = Matrix(rows: all.count, columns: all.count)
        for (s, n) in all.enumerated() {
            for i in 0..<k where n[i] > 0 {
                for j in 0..<k where j != i && q.matrix[i, j] > 0 {
                    var to = n
                    to[i] -= 1; to[j] += 1
                    guard let t = index[to] else { continue }
                    m[s, t] += Double(n[i]) * q.matrix[i, j]
                }
            }
            var out = 0.0
            for t in 0..<all.count where t != s { out += m[s, t] }
            m[s, s] = -out
        }
        self.channels = channels
        occupancies = all
        levels = all.map { n in q.openStates.reduce(0) { $0 + n[$1] } }
        matrix = m
        single = q
    }

    /// C(k + N − 1, N): occupancy vectors of N channels over k states.
    public static func stateCount(schemeStates k: Int, channels n: Int) -> Int {
        var c = 1.0
        for i in 0..<n { c = c * Double(k + i) / Double(i + 1) }
        return c < Double(Int.max) ? Int(c.rounded()) : .max
    }

    /// Number of aggregate states.
    public var stateCount: Int { occupancies.count }

    /// Aggregate states at each level 0…N (open channels).
    public var statesByLevel: [[Int]] {
        (0...channels).map { level in levels.indices.filter { levels[$0] == level } }
    }

    /// Equilibrium occupancy of each aggregate state: independent channels make it the
    /// multinomial of the single channel's p∞, N!/∏n_i! · ∏p_i^{n_i}.
    public func equilibrium() throws -> [Double] {
        let p = try single.equilibriumOccupancies()
        func logFactorial(_ n: Int) -> Double { (1...max(n, 1)).reduce(0) { $0 + Foundation.log(Double($1)) } }
        return occupancies.map { n in
            var log = logFactorial(channels)
            for (i, c) in n.enumerated() where c > 0 {
                guard p[i] > 0 else { return 0 }
                log += Double(c) * Foundation.log(p[i]) - logFactorial(c)
            }
            return exp(log)
        }
    }
}
