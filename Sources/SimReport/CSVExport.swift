import Foundation
import SimExperiment
import SimModel
import SimPlan
import Foundation

/// Tidy CSV files for other tools (R, pandas, spreadsheets): one observation per row, one
/// variable per column, units in the column names (seconds, fractions, per second).
public enum CSVExport {
    /// The files of one or more experiment results (`run`: one design; `compare`: several),
    /// by file name.
    /// `start` and `timeZone`: the scenario's, to give each time of the series its local date.
    public static func results(_ designs: [(name: String, result: ExperimentResult)], start: Date? = nil, timeZone: TimeZone? = nil) -> [(file: String, text: String)] {
        var replications = "design,replication,figure,unit,value\n"
        var figures = "design,figure,unit,estimate,ci95_low,ci95_high,n\n"
        var series = "design,time_s,local_time,series,area,unit,value\n"
        var distribution = "design,demand,bin_low_s,bin_high_s,share,share_ci95_low,share_ci95_high,ecdf,ecdf_ci95_low,ecdf_ci95_high\n"
        var stamps = Timestamps(start: start ?? Date(timeIntervalSince1970: 0), zone: timeZone ?? TimeZone(identifier: "UTC")!, fractional: false)
        for (name, r) in designs {
            let d = field(name)
            let width = r.layout.count
            for (key, column) in MetricLayout.figures(of: r.model) {
                for rep in 0..<r.settings.replications {
                    replications += "\(d),\(rep + 1),\(field(key)),\(unit(key)),\(value(r.matrix[rep * width + column]))\n"
                }
                let e = r.summary.estimates[column]
                figures += "\(d),\(field(key)),\(unit(key)),\(value(e.estimate)),\(value(e.ci95?.low)),\(value(e.ci95?.high)),\(e.n)\n"
            }
            let areas = r.model.areas.count
            func local(_ t: Double) -> String { r.model.calendarTime && start != nil ? stamps.string(t) : "" }
            // Work in progress at each sample; each area's averages over the interval whose middle is the time.
            for (t, time) in r.wipSeriesTimes.enumerated() {
                series += "\(d),\(value(time)),\(local(time)),wip,,count,\(value(r.wipSeriesMean[t]))\n"
            }
            for (t, time) in r.areaSeriesTimes.enumerated() where r.areaBusyMean.count >= (t + 1) * areas {
                for (a, area) in r.model.areas.enumerated() {
                    let i = t * areas + a
                    series += "\(d),\(value(time)),\(local(time)),busy,\(field(area.name)),staff,\(value(r.areaBusyMean[i]))\n"
                    series += "\(d),\(value(time)),\(local(time)),queue,\(field(area.name)),items,\(value(r.areaQueueMean[i]))\n"
                    series += "\(d),\(value(time)),\(local(time)),on_duty,\(field(area.name)),staff,\(r.areaStaffMean[i] < 0 ? "" : value(r.areaStaffMean[i]))\n"
                }
            }
            let byDemand = r.leadTimeDistributionByDemand.enumerated().map { (r.model.demands[$0].name, $1) }
            for (who, dist) in [("all", r.leadTimeDistribution)] + byDemand {
                guard let dist else { continue }
                for b in dist.shares.indices where b + 1 < dist.edges.count {
                    let s = dist.shares[b], c = dist.ecdf[b]
                    distribution += "\(d),\(field(who)),\(value(dist.edges[b])),\(value(dist.edges[b + 1])),\(value(s.estimate)),\(value(s.ci95?.low)),\(value(s.ci95?.high)),\(value(c.estimate)),\(value(c.ci95?.low)),\(value(c.ci95?.high))\n"
                }
            }
        }
        return [("replications.csv", replications), ("figures.csv", figures), ("series.csv", series), ("lead_time_distribution.csv", distribution)]
    }

    /// A plan's designs: one row per design, its staff per factor, cost, status and targets.
    public static func plan(_ p: PlanResult) -> [(file: String, text: String)] {
        // Targets by their expression (`p95_lead_time_`): the thresholds are in the JSON and the report.
        var text = (p.factors.map { field($0.description) } + [p.costed ? "cost_per_month" : "people", "status", "replications"]
                    + p.targets.enumerated().flatMap { i, t in ["estimate", "ci95_low", "ci95_high"].map { "target\(i + 1)_\(columnName(t.source))_\($0)" } }).joined(separator: ",") + "\n"
        for d in p.designs {
            var row = d.staff.map(String.init) + [d.costPerMonth.isFinite ? value(d.costPerMonth) : "", d.status.rawValue, String(d.replications)]
            for i in p.targets.indices {
                let e = i < d.estimates.count ? d.estimates[i] : nil
                row += [value(e?.estimate), value(e?.ci95?.low), value(e?.ci95?.high)]
            }
            text += row.joined(separator: ",") + "\n"
        }
        return [("designs.csv", text)]
    }

    /// A figure's unit: `s` for times, `fraction` for shares, `per_s` for rates, `count` otherwise
    /// (items, or the mean number of items or staff).
    static func unit(_ key: String) -> String {
        switch FigureKind(key: key) {
        case .time: "s"
        case .share: "fraction"
        case .rate: "per_s"
        case .count: "count"
        }
    }

    /// A column name from a target: the expression before its comparison, `_` for the rest.
    static func columnName(_ source: String) -> String {
        let left = source.components(separatedBy: CharacterSet(charactersIn: "<>=")).first ?? source
        return left.trimmingCharacters(in: .whitespaces).map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." ? String($0) : "_" }.joined()
            .replacingOccurrences(of: "__", with: "_").trimmingCharacters(in: CharacterSet(charactersIn: "_"))
    }

    /// RFC 4180: a field with a comma, a quote or a line break is quoted, quotes doubled.
    public static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Fifteen significant digits (all a double's arithmetic can vouch for: averages over an
    /// interval print 4 rather than 4.000000000000001); empty when undefined.
    public static func value(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        let text = String(format: "%.15g", x)
        return Double(text) == x.rounded() && abs(x) < 1e15 ? String(Int64(x.rounded())) : text
    }
}
