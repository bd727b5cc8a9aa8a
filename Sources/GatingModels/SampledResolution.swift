import Foundation

/// Warnings for records whose resolution is a whole number of their samples. An idealised
/// interval of k samples lasted between about k − 1 and k + 1 of them, so with t_res = k samples
/// the rule "keep intervals ≥ t_res" keeps some that were shorter, which no missed-event theory
/// expects. Measured on rendered, idealised C–C–O records (5 kHz filter, 20-µs samples), rates
/// ± their SD: one channel, 60 µs (3 samples) alpha +3.4 … +4.8, beta +6.3 … +6.9 % (3–4 SD),
/// 100 µs +12 / +13 … +18 % (6–7 SD), 70 and 110 µs within 2 SD; two channels with the exact
/// correction, 60 µs +9 / +12 %, 70 µs within 1–3 SD.
enum SampledResolution {
    static func warnings(_ records: [(name: String, resolution: Double, sampleInterval: Double?)]) -> [String] {
        records.compactMap { r in
            guard let dt = r.sampleInterval, dt > 0 else { return nil }
            let samples = r.resolution / dt
            guard abs(samples - samples.rounded()) < 0.05 else { return nil }
            let name = URL(fileURLWithPath: r.name).lastPathComponent
            return String(format: "%@: t_res %.0f µs is a whole number of samples (%.0f × %.0f µs), so intervals of exactly t_res are kept although they may have been shorter; rates can be biased by several SD. Use a t_res half a sample away, e.g. %.0f µs.",
                          name, r.resolution * 1e6, samples.rounded(), dt * 1e6, (samples.rounded() + 0.5) * dt * 1e6)
        }
    }
}
