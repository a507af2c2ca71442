import Foundation
import SimExperiment
import SimExpressions
import SimPlan
import SimStatistics

/// `procsim plan` as text and as the `procsim.plan/1` document.
public struct PlanReport: Sendable {
    public let plan: PlanResult
    public let provenance: Provenance

    public init(plan: PlanResult, provenance: Provenance) {
        self.plan = plan
        self.provenance = provenance
    }

    /// A target's value at the precision its threshold asks for: times in the unit the threshold
    /// is written in (`<= 50h` shows 49.4h, not 2.06d), with three significant digits.
    static func value(_ e: Expectation, _ x: Double?) -> String {
        guard let x else { return "–" }
        if Planner.isShare(e) { return String(format: "%.2f%%", x * 100) }
        switch e.dimension {
        case .duration:
            let unit = writtenUnit(e) ?? Formatting.unit(for: abs(e.threshold) > 0 ? abs(e.threshold) : abs(x))
            return Formatting.duration(x, unit: unit)
        case .fraction: return String(format: "%.2f%%", x * 100)
        case .rate: return Formatting.ratePerDay(x)
        default: return Formatting.number(x)
        }
    }

    /// The unit of the threshold as the target writes it: `50h` → hours, `3d` → days.
    static func writtenUnit(_ e: Expectation) -> (name: String, size: Double)? {
        let units: [(String, (String, Double))] = [("min", ("m", 60)), ("s", ("s", 1)), ("m", ("m", 60)), ("h", ("h", 3600)), ("d", ("d", 86_400)), ("w", ("w", 604_800))]
        let text = e.source.trimmingCharacters(in: .whitespaces)
        for (suffix, unit) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count).reversed().prefix { $0.isNumber || $0 == "." }
            if !number.isEmpty { return unit }
        }
        return nil
    }

    static func estimate(_ e: Expectation, _ est: Estimate) -> String {
        guard let x = est.estimate else { return "–" }
        // A time is never negative: an interval reaching below zero is cut there, as `run` cuts it.
        let floor = e.dimension == .duration ? 0.0 : -Double.infinity
        return value(e, x) + (est.ci95.map { "  [\(value(e, Swift.max($0.low, floor))), \(value(e, $0.high))]" } ?? "")
    }

    /// The confirmation's reading: met when its interval lies on the target's side; missed when
    /// it lies beyond the tolerance; otherwise within the tolerance zone, where the plan's
    /// decisions may go either way by design.
    static func confirmationVerdict(_ e: Expectation, _ est: Estimate, tolerance: Double) -> String {
        guard let x = est.estimate else { return "undefined" }
        let ci = est.ci95 ?? (x, x)
        let upper = e.comparator == .lessOrEqual || e.comparator == .less
        if upper ? ci.high <= e.threshold : ci.low >= e.threshold { return "met" }
        if upper ? ci.low > e.threshold + tolerance : ci.high < e.threshold - tolerance { return "NOT MET: beyond the tolerance; record this and widen the search's confidence" }
        return "within the tolerance of the target (±\(value(e, tolerance))): the plan's decisions may go either way there"
    }

    /// The designs on the frontier of cost against the first target: each is better, by more
    /// than the target's tolerance, than every cheaper design decided (and the cheapest of any
    /// that are equal within it). Differences inside the tolerance are noise, not a trade-off.
    static func frontier(_ p: PlanResult) -> Set<Int> {
        guard let first = p.targets.first else { return [] }
        let lower = first.comparator == .lessOrEqual || first.comparator == .less
        let decided = p.designs.indices.filter { p.designs[$0].replications > 0 && p.designs[$0].costPerMonth.isFinite }
            .sorted { (p.designs[$0].costPerMonth, $0) < (p.designs[$1].costPerMonth, $1) }
        var best = Double.infinity, out = Set<Int>()
        for i in decided {
            guard let v = p.designs[i].estimates.first?.estimate else { continue }
            let g = lower ? v : -v
            if g < best - p.tolerances[0] { out.insert(i); best = g }
        }
        return out
    }

    var costUnit: String { plan.costed ? "cost/month" : "people" }

    func costText(_ c: Double) -> String {
        plan.costed ? String(Int(c.rounded())) : String(format: "%g", (c * 100).rounded() / 100)
    }

    public var text: String {
        let p = plan
        var lines = ["Plan · \(provenance.scenarioFile)\(provenance.variant.map { " · variant \($0)" } ?? "") · seed \(p.seed) · common random numbers"]
        lines.append("Targets: " + zip(p.targets, p.tolerances).map { "\($0.source) (tolerance ±\(Self.value($0, $1)))" }.joined(separator: "; "))
        let count = { (s: PlanDesign.Status) in p.designs.filter { $0.status == s }.count }
        let grid = p.designs.count, candidates = grid - count(.unstable) - count(.inconsistent)
        lines.append("Searched \(grid) designs: \(count(.unstable)) cut by bounds (an area's offered load reaches its staff)"
                     + (count(.inconsistent) > 0 ? ", \(count(.inconsistent)) with fewer staff in a period than outside it" : "")
                     + ", \(count(.dominated)) cut as dominated by an infeasible design, \(p.evaluated) decided by simulation (\(Formatting.counted(p.replications, "replication")))"
                     + (count(.skipped) > 0 ? ", \(count(.skipped)) not needed" : "") + ".")
        let firstLook = p.designs.first { $0.replications > 0 }.map { _ in p.firstLook } ?? 0
        lines.append("A full grid would simulate all \(candidates) stable designs: at least \(candidates * firstLook) replications (a first look each), and more where designs are close to a target (--exhaustive does it, to compare).")
        lines.append("Each decision: sequential feasibility check (Batur–Kim triangular region), β = \(String(format: "%.2g", p.errorPerDecision)) per target and design, so that all decisions are right together with \(String(format: "%g", (1 - p.errorPerDecision * Double(max(1, candidates * p.targets.count))) * 100))% confidence\(p.monotone ? "; more staff is taken never to make a target worse" : "; the targets are not all monotone in staff, so no design was cut as dominated").")
        lines.append("")
        if let c = p.chosen {
            let d = p.designs[c]
            lines.append("Cheapest staffing that meets every target (\(costUnit): \(costText(d.costPerMonth))):")
            for (f, v) in zip(p.factors, d.staff) { lines.append("  \(f) = \(v)") }
            for (e, est) in zip(p.targets, d.estimates) { lines.append("  \(e.source): \(Self.estimate(e, est))") }
            if let confirmation = p.confirmation, let seed = p.confirmationSeed {
                lines.append("Confirmed on fresh seeds (seed \(seed), \(Formatting.counted(confirmation.first?.n ?? 0, "replication"))):")
                for (t, (e, est)) in zip(p.targets, confirmation).enumerated() {
                    lines.append("  \(e.source): \(Self.estimate(e, est))  \(Self.confirmationVerdict(e, est, tolerance: p.tolerances[t]))")
                }
            }
            if !p.undecidedCheaper.isEmpty {
                lines.append("INCONCLUSIVE: \(p.undecidedCheaper.count) cheaper design\(p.undecidedCheaper.count == 1 ? " was" : "s were") undecided at the replication cap; raise --max-replications or widen --tolerance")
            }
        } else if let c = p.closest {
            let d = p.designs[c]
            lines.append("NO design in the ranges meets every target\(p.exitCode == 2 ? " that could be decided (some were undecided at the replication cap)" : ""). The closest (\(costUnit): \(costText(d.costPerMonth))):")
            for (f, v) in zip(p.factors, d.staff) { lines.append("  \(f) = \(v)") }
            for (e, est) in zip(p.targets, d.estimates) { lines.append("  \(e.source): \(Self.estimate(e, est))") }
            lines.append("Widen the ranges, or relax the targets. If the design with the most staff misses too, staff may not be what limits the target (the work itself, transit or handoffs take that long).")
        } else {
            lines.append("NO design in the ranges is stable: every one has an area whose offered load reaches its staff. Widen the ranges.")
        }
        // The frontier: every decided design by cost; * marks those no cheaper design beats on the first target.
        let decided = p.designs.indices.filter { p.designs[$0].replications > 0 }.sorted { p.designs[$0].costPerMonth < p.designs[$1].costPerMonth }
        if !decided.isEmpty, let first = p.targets.first {
            lines.append("")
            lines.append("Designs decided by simulation, by \(costUnit) (* on the frontier of \(costUnit) against \(first.source)):")
            var rows = [["  "] + p.factors.map(\.description) + [costUnit] + p.targets.map { "\($0.source) (95% interval)" } + ["decision", "replications"]]
            let onFrontier = Self.frontier(p)
            for i in decided {
                let d = p.designs[i]
                let frontier = onFrontier.contains(i)
                rows.append([frontier ? "  *" : "  "] + d.staff.map(String.init) + [costText(d.costPerMonth)]
                            + zip(p.targets, d.estimates).map { Self.estimate($0, $1) }
                            + [d.status == .feasible ? "meets" : d.status == .infeasible ? "misses" : "UNDECIDED", String(d.replications)])
            }
            lines += RunReport.table(rows)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public var json: JSONValue {
        let p = plan
        let onFrontier = Self.frontier(p)
        func design(_ d: PlanDesign) -> JSONValue {
            let index = p.designs.firstIndex { $0.staff == d.staff }
            return .object([
                ("staff", .object(zip(p.factors, d.staff).map { ($0.description, .integer($1)) })),
                ("cost_per_month", .number(d.costPerMonth.isFinite ? (d.costPerMonth * 100).rounded() / 100 : nil)),
                ("frontier", .bool(index.map(onFrontier.contains) ?? false)),
                ("status", .string(d.status.rawValue)),
                ("replications", .integer(d.replications)),
                ("targets", .array(d.estimates.map(\.jsonValue))),
                ("approximation", .array(d.approximation.map { .number($0) })),
            ])
        }
        let outcome = p.chosen != nil ? (p.exitCode == 0 ? "found" : "inconclusive") : p.exitCode == 2 ? "inconclusive" : "infeasible"
        let factors: [JSONValue] = p.factors.map { f in
            let period: JSONValue = f.period.map { .string($0) } ?? .null
            return .object([("name", .string(f.description)), ("area", .string(f.area)), ("period", period),
                            ("low", .integer(f.values.lowerBound)), ("high", .integer(f.values.upperBound))])
        }
        let targets: [JSONValue] = zip(p.targets, p.tolerances).map { e, t in
            .object([("target", .string(e.source)), ("threshold", .number(e.threshold)), ("tolerance", .number(t))])
        }
        var confirmation: JSONValue = .null
        if let c = p.confirmation {
            let seed: JSONValue = p.confirmationSeed.map { .unsigned($0) } ?? .null
            let verdicts: [JSONValue] = zip(p.targets, c).enumerated().map { t, pair in
                let text = Self.confirmationVerdict(pair.0, pair.1, tolerance: p.tolerances[t])
                return .string(text.hasPrefix("met") ? "met" : text.hasPrefix("NOT") ? "not_met" : "within_tolerance")
            }
            confirmation = .object([("seed", seed), ("targets", .array(c.map(\.jsonValue))), ("verdicts", .array(verdicts))])
        }
        let chosen: JSONValue = p.chosen.map { design(p.designs[$0]) } ?? .null
        let closest: JSONValue = p.closest.map { design(p.designs[$0]) } ?? .null
        var fields: [(String, JSONValue)] = [("schema", .string("procsim.plan/1")), ("provenance", provenance.jsonValue)]
        fields.append(("outcome", .string(outcome)))
        fields.append(("exit_code", .integer(Int(p.exitCode))))
        fields.append(("factors", .array(factors)))
        fields.append(("targets", .array(targets)))
        fields.append(("costed", .bool(p.costed)))
        fields.append(("error_per_decision", .number(p.errorPerDecision)))
        fields.append(("monotone", .bool(p.monotone)))
        fields.append(("chosen", chosen))
        fields.append(("closest", closest))
        fields.append(("confirmation", confirmation))
        fields.append(("designs_total", .integer(p.designs.count)))
        fields.append(("designs_simulated", .integer(p.evaluated)))
        fields.append(("replications", .integer(p.replications)))
        fields.append(("designs", .array(p.designs.map(design))))
        return .object(fields)
    }
}

/// `procsim plan --max-demand` as text and as the `procsim.plan-demand/1` document.
public struct DemandLimitReport: Sendable {
    public let limit: DemandLimit
    public let provenance: Provenance

    public init(limit: DemandLimit, provenance: Provenance) {
        self.limit = limit
        self.provenance = provenance
    }

    func level(_ factor: Double) -> String {
        limit.isCampaign ? "multiplier \(String(format: "%.3g", factor))"
            : "\(Formatting.ratePerDay(factor * limit.current)) (\(String(format: "%.3g", factor))× the file's \(Formatting.ratePerDay(limit.current)))"
    }

    public var text: String {
        let l = limit
        var lines = ["Most demand served · \(provenance.scenarioFile) · \(l.isCampaign ? "campaign" : "demand type") \(l.name) · seed \(l.seed) · common random numbers"]
        lines.append("Targets: " + zip(l.targets, l.tolerances).map { "\($0.source) (tolerance ±\(PlanReport.value($0, $1)))" }.joined(separator: "; "))
        if let s = l.stabilityLimit { lines.append("Stability bound: at \(level(s)) an area's offered load reaches its staff.") }
        lines.append("\(l.points.count) level\(l.points.count == 1 ? "" : "s") decided, \(l.replications) replications; β = \(String(format: "%.2g", l.errorPerDecision)) per target and level.")
        lines.append("")
        if let h = l.highestFeasible {
            lines.append("The staffing serves up to \(level(h)) within every target" + (l.lowestInfeasible.map { "; at \(level($0)) it does not." } ?? "."))
        } else if l.saturated {
            lines.append("NO demand is served within every target: even at \(l.lowestInfeasible.map(level) ?? "–") the target is missed, and less demand barely changes it (the work itself, transit or handoffs take that long).")
        } else {
            lines.append(l.exitCode == 2 ? "INCONCLUSIVE: no level could be decided within the replication cap." : "NOT EVEN the lowest level tried (\(l.lowestInfeasible.map(level) ?? "–")) is served within every target.")
        }
        lines.append("")
        var rows = [["  level"] + l.targets.map { "\($0.source) (95% interval)" } + ["decision", "replications"]]
        for p in l.points.sorted(by: { $0.factor < $1.factor }) {
            rows.append(["  " + level(p.factor)] + (p.estimates.isEmpty ? l.targets.map { _ in "–" } : zip(l.targets, p.estimates).map { PlanReport.estimate($0, $1) })
                        + [p.status == .feasible ? "meets" : p.status == .infeasible ? "misses" : p.status == .unstable ? "unstable" : "UNDECIDED", String(p.replications)])
        }
        lines += RunReport.table(rows)
        return lines.joined(separator: "\n") + "\n"
    }

    public var json: JSONValue {
        let l = limit
        return .object([
            ("schema", .string("procsim.plan-demand/1")),
            ("provenance", provenance.jsonValue),
            ("outcome", .string(l.exitCode == 0 ? "found" : l.exitCode == 2 ? "inconclusive" : "infeasible")),
            ("exit_code", .integer(Int(l.exitCode))),
            ("name", .string(l.name)),
            ("kind", .string(l.isCampaign ? "campaign" : "demand")),
            ("current", .number(l.current)),
            ("highest_feasible", .number(l.highestFeasible)),
            ("lowest_infeasible", .number(l.lowestInfeasible)),
            ("stability_limit", .number(l.stabilityLimit)),
            ("error_per_decision", .number(l.errorPerDecision)),
            ("replications", .integer(l.replications)),
            ("points", .array(l.points.map { p in
                .object([("factor", .number(p.factor)), ("status", .string(p.status.rawValue)), ("replications", .integer(p.replications)),
                         ("targets", .array(p.estimates.map(\.jsonValue)))])
            })),
        ])
    }
}
