/// Closed-form queueing results the planner uses to start near the answer without simulating:
/// they cut designs that cannot work and estimate how long the rest make customers wait.
public enum Queueing {
    /// Erlang's C formula: the probability that an arrival waits in an M/M/c queue with offered
    /// load `a` = λ/μ busy servers, `a < c`. Computed through Erlang B's recursion
    /// B(k) = a·B(k−1)/(k + a·B(k−1)), which never forms a factorial, then
    /// C = c·B/(c − a(1 − B)).
    public static func erlangC(servers c: Int, load a: Double) -> Double {
        guard a < Double(c) else { return 1 }
        guard a > 0 else { return 0 }
        var b = 1.0
        for k in 1...c { b = a * b / (Double(k) + a * b) }
        return Double(c) * b / (Double(c) - a * (1 - b))
    }

    /// The Allen–Cunneen approximation of the mean wait in a GI/G/c queue: the M/M/c wait,
    /// C(c, a)·E[S]/(c − a), scaled by (cₐ² + cₛ²)/2, the squared coefficients of variation of
    /// the gaps between arrivals and of the work. Exact for M/M/c, and for M/G/1 it is the
    /// Pollaczek–Khinchine formula.
    public static func allenCunneenWait(servers c: Int, load a: Double, meanService: Double,
                                        arrivalSCV: Double = 1, serviceSCV: Double) -> Double {
        guard a < Double(c) else { return .infinity }
        return erlangC(servers: c, load: a) * meanService / (Double(c) - a) * (arrivalSCV + serviceSCV) / 2
    }
}

/// A model's waits estimated without simulating: each area as a GI/G/c queue fed by the traffic
/// equations' rates (Poisson arrivals assumed), each item's mean lead time as the sum over its
/// expected visits of wait, work and handoff. Working hours enter only through the mean staff
/// on duty, so for offices with closed nights this is a rough guide, not an answer: the
/// planner uses it to order candidates and pick a first one, and lets simulation decide.
public struct QueueingEstimate: Sendable {
    /// Per area: offered load over mean staff on duty (∞ when no staff; 0 when unlimited).
    public let utilisation: [Double]
    /// Per area: the estimated mean wait (∞ when unstable).
    public let wait: [Double]
    /// Per area: the probability of waiting at all (Erlang C) and the rate θ of the waits'
    /// exponential tail, P(W > t) ≈ C·e^(−θt), with θ = (c − a)/(E[S]·(cₐ² + cₛ²)/2), so that
    /// the mean wait is C/θ as Allen–Cunneen has it. θ = ∞: nobody waits.
    public let waitProbability: [Double]
    public let waitDecay: [Double]
    /// Per demand type: the estimated mean lead time.
    public let leadTime: [Double]

    public init(model: Model, analysis: FlowAnalysis) {
        var util: [Double] = [], wait: [Double] = [], probability: [Double] = [], decay: [Double] = []
        for (a, area) in model.areas.enumerated() {
            let load = analysis.offeredLoad[a]
            guard let capacity = FlowAnalysis.capacity(of: area, in: model) else {
                util.append(0); wait.append(0); probability.append(0); decay.append(.infinity); continue
            }
            let rho = capacity > 0 ? load / capacity : .infinity
            util.append(rho)
            // The arrival rate at the area and the moments of its work, over every step it serves.
            var rate = 0.0, first = 0.0, second = 0.0
            for (d, demand) in model.demands.enumerated() {
                for (s, step) in model.journeys[demand.journey].steps.enumerated() where step.areas.contains(a) {
                    let r = analysis.arrivalRates[d] * analysis.expectedVisits[demand.journey][s]
                    guard r.isFinite, r > 0 else { continue }
                    rate += r
                    first += r * step.duration.mean
                    second += r * (step.duration.variance + step.duration.mean * step.duration.mean)
                }
            }
            guard rate > 0, rho < 1 else {
                wait.append(rho < 1 ? 0 : .infinity); probability.append(rho < 1 ? 0 : 1); decay.append(rho < 1 ? .infinity : 0)
                continue
            }
            let mean = first / rate, scv = max(0, (second / rate) / (mean * mean) - 1)
            // Whole servers for Erlang's formula, with the load scaled to keep the utilisation.
            let servers = max(1, Int(capacity.rounded(.down)))
            let offered = rho * Double(servers)
            wait.append(Queueing.allenCunneenWait(servers: servers, load: offered, meanService: mean, serviceSCV: scv))
            probability.append(Queueing.erlangC(servers: servers, load: offered))
            decay.append((Double(servers) - offered) / (mean * (1 + scv) / 2))
        }
        var lead: [Double] = []
        for demand in model.demands {
            let journey = model.journeys[demand.journey], visits = analysis.expectedVisits[demand.journey]
            var total = 0.0
            for (s, step) in journey.steps.enumerated() where visits[s] > 0 {
                let w = step.areas.map { wait[$0] }.max() ?? 0
                total += visits[s] * (w + step.duration.mean + (step.handoff?.delay?.mean ?? 0))
            }
            lead.append(total)
        }
        utilisation = util
        self.wait = wait
        waitProbability = probability
        waitDecay = decay
        leadTime = lead
    }
}
