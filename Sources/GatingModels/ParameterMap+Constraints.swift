import Foundation

// Building the log-space parameter map from a scheme's constraints, including the choice of
// one dependent rate per cycle for microscopic reversibility by a spanning tree
// (Colquhoun et al. 2004, "How to impose microscopic reversibility in complex reaction
// mechanisms", Biophys J 86:3510 — the minimum-spanning-tree method).

extension ParameterMap {
    static func build(states: [GatingState], transitions: [Transition], constraints: [RateConstraint],
                      enforceMicroscopicReversibility: Bool) throws -> (ParameterMap, [RateConstraint]) {
        let names = transitions.map(\.name)
        func index(_ n: String) throws -> Int {
            guard let i = names.firstIndex(of: n) else { throw GatingModelsError.unknownRate(n) }
            return i
        }
        var defs = [Definition?](repeating: nil, count: transitions.count)
        var explicitMR: [Int] = []
        var all = constraints
        for c in constraints {
            let r = try index(c.rate)
            guard defs[r] == nil, !explicitMR.contains(r) else {
                throw GatingModelsError.inconsistentConstraint(rate: c.rate, reason: "the rate has more than one constraint")
            }
            switch c {
            case .fixed:
                defs[r] = .fixed(transitions[r].value)
            case let .proportional(_, of, factor):
                let o = try index(of)
                guard o != r else { throw GatingModelsError.inconsistentConstraint(rate: c.rate, reason: "a rate cannot be a multiple of itself") }
                guard factor.isFinite, factor > 0 else {
                    throw GatingModelsError.inconsistentConstraint(rate: c.rate, reason: "factor \(factor) is not finite and positive")
                }
                defs[r] = .proportional(of: o, factor: factor)
            case .microscopicReversibility:
                explicitMR.append(r)
            }
        }

        // Microscopic reversibility: fundamental cycles of a spanning tree of the state graph.
        if enforceMicroscopicReversibility || !explicitMR.isEmpty {
            let cycles = try cycleDependents(states: states, transitions: transitions, explicit: explicitMR,
                                             constrained: defs.map { $0 != nil }, automatic: enforceMicroscopicReversibility)
            for (r, terms) in cycles {
                defs[r] = .cycle(terms)
                if !explicitMR.contains(r) { all.append(.microscopicReversibility(rate: names[r])) }
            }
        }

        var free: [Int] = []
        var theta: [Double] = []
        for r in defs.indices where defs[r] == nil {
            defs[r] = .free(free.count)
            free.append(r)
            theta.append(log(transitions[r].value))
        }
        let map = try ParameterMap(definitions: defs.map { $0! }, freeRates: free, initialParameters: theta, names: names)
        return (map, all)
    }

    /// For each non-tree edge of a spanning tree: its dependent rate and the cycle product
    /// that determines it, `q(a→b) = q(b→a) Π q(back along the tree path) / Π q(forward)`.
    private static func cycleDependents(states: [GatingState], transitions: [Transition], explicit: [Int],
                                        constrained: [Bool], automatic: Bool) throws -> [(Int, [CycleTerm])] {
        let n = states.count
        var rateOf = [[Int?]](repeating: [Int?](repeating: nil, count: n), count: n)
        for (i, t) in transitions.enumerated() { rateOf[t.from][t.to] = i }
        // Undirected edges, those carrying an explicitly dependent rate last (so they close cycles).
        var edges: [(Int, Int)] = []
        for a in 0..<n { for b in (a + 1)..<max(a + 1, n) where rateOf[a][b] != nil || rateOf[b][a] != nil { edges.append((a, b)) } }
        let isExplicit: ((Int, Int)) -> Bool = { e in
            [rateOf[e.0][e.1], rateOf[e.1][e.0]].contains { r in r.map { explicit.contains($0) } ?? false }
        }
        // Edges whose rates are all constrained go into the tree first; then edges with a free
        // rate; edges carrying an explicitly dependent rate last, so that they close cycles.
        let rank: ((Int, Int)) -> Int = { e in
            if isExplicit(e) { return 2 }
            let rs = [rateOf[e.0][e.1], rateOf[e.1][e.0]].compactMap { $0 }
            return rs.contains { !constrained[$0] } ? 1 : 0
        }
        edges.sort { rank($0) < rank($1) }
        var parent = Array(0..<n)
        func find(_ x: Int) -> Int { var x = x; while parent[x] != x { x = parent[x] }; return x }
        var tree = [[Int]](repeating: [], count: n)
        var closing: [(Int, Int)] = []
        for e in edges {
            let (ra, rb) = (find(e.0), find(e.1))
            if ra == rb { closing.append(e) } else { parent[ra] = rb; tree[e.0].append(e.1); tree[e.1].append(e.0) }
        }
        for r in explicit {
            let t = transitions[r]
            if !closing.contains(where: { Set([$0.0, $0.1]) == Set([t.from, t.to]) }) {
                throw GatingModelsError.inconsistentConstraint(rate: t.name, reason: "microscopic reversibility: the transition is not on a cycle, or its cycle already has a dependent rate")
            }
        }
        func path(from s: Int, to target: Int) -> [Int] {
            var prev = [Int?](repeating: nil, count: n)
            var queue = [s]; var seen: Set<Int> = [s]
            while !queue.isEmpty {
                let x = queue.removeFirst()
                if x == target { break }
                for y in tree[x] where seen.insert(y).inserted { prev[y] = x; queue.append(y) }
            }
            var p = [target]
            while let q = prev[p[0]] { p.insert(q, at: 0) }
            return p
        }
        var out: [(Int, Int)] = []
        var result: [(Int, [CycleTerm])] = []
        for e in closing {
            let candidates = [rateOf[e.0][e.1], rateOf[e.1][e.0]].compactMap { $0 }
            let chosenExplicit = candidates.filter { explicit.contains($0) }
            if chosenExplicit.count > 1 {
                throw GatingModelsError.inconsistentConstraint(rate: transitions[chosenExplicit[1]].name, reason: "both directions of one transition are dependent")
            }
            var dep: Int
            if let d = chosenExplicit.first { dep = d } else {
                guard automatic else { continue }
                guard let d = candidates.reversed().first(where: { !constrained[$0] }) else {
                    throw GatingModelsError.inconsistentConstraint(rate: transitions[candidates[0]].name, reason: "microscopic reversibility needs one free rate on the transition closing each cycle")
                }
                dep = d
            }
            let (a, b) = (transitions[dep].from, transitions[dep].to)
            guard let back = rateOf[b][a] else {
                throw GatingModelsError.inconsistentConstraint(rate: transitions[dep].name, reason: "microscopic reversibility: the reverse transition is missing")
            }
            var terms = [CycleTerm(index: back, power: 1)]
            var agonist = transitions[back].law.agonistDependent ? 1 : 0
            var volt = transitions[back].law.voltageCoefficient
            let p = path(from: b, to: a)
            for k in 0..<(p.count - 1) {
                guard let f = rateOf[p[k]][p[k + 1]], let g = rateOf[p[k + 1]][p[k]] else {
                    throw GatingModelsError.inconsistentConstraint(rate: transitions[dep].name, reason: "microscopic reversibility: its cycle contains an irreversible transition")
                }
                terms.append(CycleTerm(index: g, power: 1))
                terms.append(CycleTerm(index: f, power: -1))
                agonist += (transitions[g].law.agonistDependent ? 1 : 0) - (transitions[f].law.agonistDependent ? 1 : 0)
                volt += transitions[g].law.voltageCoefficient - transitions[f].law.voltageCoefficient
            }
            let law = transitions[dep].law
            guard agonist == (law.agonistDependent ? 1 : 0),
                  abs(volt - law.voltageCoefficient) <= 1e-9 * max(1, abs(volt)) else {
                throw GatingModelsError.inconsistentConstraint(rate: transitions[dep].name, reason: "microscopic reversibility would depend on concentration or voltage: the cycle's rate laws do not balance")
            }
            out.append(e)
            result.append((dep, terms))
        }
        return result
    }
}
