import Foundation
import SimExperiment
import SimKernel
import SimModel
import SimPlan
import SimStatistics

/// Reports to look at: one self-contained HTML file (no scripts, fonts or images from outside)
/// whose charts are SVG drawn here, with the data they show embedded as JSON next to them.
///
/// Every drawn mark carries the number it shows (`data-value`) and the chart its scale
/// (`data-max`, `data-scale`), so a test can check that what is drawn is what the data says.
/// The document is well-formed XML (XHTML syntax), so that any XML parser can read it back.
public enum HTMLReport {
    // MARK: - Documents

    /// Where the run sits in time: real dates for the axis, campaigns to shade.
    public struct Calendar: Sendable {
        public var start: Date
        public var timeZone: TimeZone
        public var periods: [(name: String, start: Double, end: Double)]
        public init(start: Date, timeZone: TimeZone, periods: [(name: String, start: Double, end: Double)]) {
            self.start = start
            self.timeZone = timeZone
            self.periods = periods
        }
    }

    public static func run(_ report: RunReport, calendar: Calendar? = nil) -> String {
        let r = report.result
        var body = heading("Run", report.provenance, name: r.model.name)
        body += leadTimeSections([(name: "this run", result: r)])
        body += percentileTable([(name: "this run", result: r)])
        let colours = areaColours([r])
        body += areaSeriesSection(r, calendar: calendar, colours: colours)
        body += stepSection(r)
        body += flowSection([(name: "this run", result: r)])
        return document(title: "procsim run · \(r.model.name)", body: body, data: report.json,
                        charts: chartData([(name: "this run", result: r)]))
    }

    public static func compare(_ report: CompareReport, calendar: Calendar? = nil) -> String {
        let designs = zip(report.designs, report.results).map { (name: $0.name, result: $1) }
        var body = heading("Compare", report.provenance, name: report.results[0].model.name)
        body += differenceTable(report)
        body += leadTimeSections(designs)
        body += percentileTable(designs)
        body += flowSection(designs)
        let colours = areaColours(report.results)
        // One scale for every design's queues: charts side by side are read against each other.
        let queueMax = niceCeiling(max(report.results.flatMap(\.areaQueueMean).max() ?? 0, 1))
        for (name, result) in designs {
            body += "<h2>\(escape(name))</h2>\n" + areaSeriesSection(result, level: 3, calendar: calendar, colours: colours, queueMax: queueMax) + stepSection(result, level: 3)
        }
        return document(title: "procsim compare · \(report.results[0].model.name)", body: body, data: report.json, charts: chartData(designs))
    }

    /// Each area's colour, by name, the same in every design's charts.
    static func areaColours(_ results: [ExperimentResult]) -> [String: String] {
        var names: [String] = []
        for r in results { for a in r.model.areas where !names.contains(a.name) { names.append(a.name) } }
        return Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, palette[$0 % palette.count]) })
    }

    /// The paired differences that matter to customers, with intervals and Holm-adjusted p.
    static func differenceTable(_ report: CompareReport) -> String {
        let keys = ["lead_time.mean", "lead_time.p50", "lead_time.p90", "lead_time.p95", "lead_time.p99", "on_time", "throughput", "abandoned"]
        var html = "<h2>Differences from \(escape(report.designs[0].name)) (paired by replication, 95% intervals, Holm-adjusted p)</h2>\n<table class=\"figures\">\n<tr><th>design</th><th>figure</th><th>base</th><th>design</th><th>difference</th><th>p (Holm)</th></tr>\n"
        for c in report.comparisons {
            for m in c.metrics where keys.contains(m.key) || (m.key.hasPrefix("areas.") && (m.key.hasSuffix(".utilisation") || m.key.hasSuffix(".queue.mean"))) {
                let kind = FigureKind(key: m.key)
                let share = kind == .share
                let f: (Double) -> String = switch kind {
                case .share: { String(format: "%.2f%%", $0 * 100) }
                case .rate: { Formatting.ratePerDay($0) }
                case .count: { String(format: "%.3g", $0) }
                case .time: { Formatting.duration($0, unit: Formatting.unit(for: abs(m.base.estimate ?? 3600))) }
                }
                let d: (Double) -> String = share ? { String(format: "%.2fpp", $0 * 100) } : f
                let signed: (Double) -> String = { $0 < 0 ? "−" + d(-$0) : "+" + d($0) }
                let diff = m.difference.estimate.map { x in signed(x) + (m.difference.ci95.map { " [\(signed($0.low)), \(signed($0.high))]" } ?? "") } ?? "–"
                let p = m.adjustedP.map { $0 < 1e-9 ? "<1e-9" : String(format: "%.2g", $0) } ?? "–"
                html += "<tr\(m.significant ? " class=\"significant\"" : "")><td>\(escape(c.designName))</td><td>\(escape(m.key))</td><td>\(escape(m.base.estimate.map(f) ?? "–"))</td><td>\(escape(m.design.estimate.map(f) ?? "–"))</td><td>\(escape(diff))</td><td>\(p)</td></tr>\n"
            }
        }
        return html + "</table>\n"
    }

    public static func demandLimit(_ report: DemandLimitReport) -> String {
        document(title: "procsim plan --max-demand · \(report.provenance.scenarioFile)",
                 body: heading("Most demand served", report.provenance) + "<pre>\(escape(report.text))</pre>\n", data: report.json, charts: .object([]))
    }

    public static func plan(_ report: PlanReport) -> String {
        var body = heading("Plan", report.provenance)
        body += "<pre>\(escape(report.text))</pre>\n"
        body += frontierSection(report.plan)
        return document(title: "procsim plan · \(report.provenance.scenarioFile)", body: body, data: report.json, charts: .object([]))
    }

    /// A study's effects, one chart per target figure: each factor's effect with its interval.
    public static func study(title: String, provenance: Provenance, text: String, data: JSONValue,
                             effects: [(target: String, format: @Sendable (Double) -> String, factors: [(name: String, effect: Double, low: Double, high: Double)])]) -> String {
        var body = heading("Study", provenance)
        for (target, format, factors) in effects {
            body += "<h2>Effect on \(escape(target))</h2>\n<p>The change of the figure across each factor's whole range, with its 95% interval.</p>\n"
            body += effectChart(factors, id: "effects-\(slug(target))", format: format)
        }
        body += "<pre>\(escape(text))</pre>\n"
        return document(title: title, body: body, data: data, charts: .object([]))
    }

    // MARK: - Sections

    static func heading(_ command: String, _ p: Provenance, name: String? = nil) -> String {
        "<h1>\(escape(command)) · \(escape(name ?? p.scenarioFile))\(p.variant.map { " · variant " + escape($0) } ?? "")</h1>\n<p class=\"meta\">\(escape(p.scenarioFile))</p>\n"
            + "<p class=\"meta\">procsim \(escape(p.procsimVersion)) · seed \(p.seed) · \(p.replications) replication\(p.replications == 1 ? "" : "s") · stream keying v\(StreamKeying.version) · scenario \(escape(p.scenarioHash))</p>\n"
    }

    /// Designs (in compare's lead-time charts): not the areas' colours, which mean areas in the
    /// charts below.
    static let designPalette = ["#222222", "#e08214", "#1b9e77", "#7570b3", "#b2182b", "#4393c3"]

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
                          "#7f7f7f", "#bcbd22", "#393b79", "#ad494a", "#637939", "#843c39", "#5254a3", "#e7969c"]

    /// Lead-time charts: all items; with several demand types, one pair per type as well,
    /// each with its own promise.
    static func leadTimeSections(_ designs: [(name: String, result: ExperimentResult)]) -> String {
        let model = designs[0].result.model
        let promises = model.demands.map { $0.promiseClock == .elapsed ? $0.promise : nil }
        guard model.demands.count > 1 else {
            return leadTimeSection(designs, promise: promises[0], note: model.demands[0].promiseClock == .business ? model.demands[0].promise : nil, id: "lead-time", title: "Lead time, arrival to delivery")
        }
        var html = leadTimeSection(designs, promise: nil, note: nil, id: "lead-time", title: "Lead time of all items, arrival to delivery")
        for (d, demand) in model.demands.enumerated() {
            let perDemand = designs.compactMap { name, r -> (name: String, result: ExperimentResult)? in
                guard d < r.leadTimeDistributionByDemand.count, let dist = r.leadTimeDistributionByDemand[d] else { return nil }
                return (name, r.replacingDistribution(dist))
            }
            if perDemand.isEmpty { continue }
            html += leadTimeSection(perDemand, promise: promises[d], note: demand.promiseClock == .business ? demand.promise : nil,
                                    id: "lead-time-\(slug(demand.name))", title: "Lead time of \(demand.name)", level: 3)
        }
        return html
    }

    /// Histogram and ECDF of the lead times, one colour per design, the promise marked.
    /// A histogram on a log axis shows each bin's share per quarter doubling (its share divided
    /// by its width in quarter doublings): bins are a quarter doubling wide only roughly (linear
    /// within each doubling), so raw shares would draw a sawtooth the lead times do not have,
    /// while a bar's height stays what a reader takes it for, about its share (the heights add
    /// up to about 100%). Per doubling they were four times that: a bar of 90% for a bin of 22%.
    static func leadTimeSection(_ designs: [(name: String, result: ExperimentResult)], promise: Double?, note: Double?,
                                id: String, title: String, level: Int = 2) -> String {
        let withDistribution = designs.enumerated().filter { $0.element.result.leadTimeDistribution != nil }
        guard !withDistribution.isEmpty else {
            return "<h\(level)>\(escape(title))</h\(level)>\n<p>No distribution: lead times went to a histogram (more than --exact-limit), or nothing was delivered.</p>\n"
        }
        // A common x range over the bins any design uses.
        let edges = withDistribution.map { $0.element.result.leadTimeDistribution!.edges }
        // From the first bin any design uses (a little before it), not from one second.
        let used = withDistribution.compactMap { item -> Double? in
            let d = item.element.result.leadTimeDistribution!
            return d.shares.firstIndex { ($0.estimate ?? 0) > 0 }.map { d.edges[$0] }
        }
        let low = max((used.min() ?? edges.compactMap { $0.first { $0 > 0 } }.min() ?? 1) / 1.5, 1)
        let high = edges.map { $0.last ?? 2 }.max()!
        let xScale = LogScale(low: low, high: max(high, promise ?? 0, low * 2))
        var hist = Chart(id: "\(id)-histogram", title: "Share of items in each bin of a quarter doubling of the lead time (mean over replications, 95% interval; log scale)", yMax: 0)
        var ecdf = Chart(id: "\(id)-ecdf", title: "Share of items delivered within a lead time (ECDF, pointwise 95% band; log scale)", yMax: 1)
        // In quarter doublings.
        func width(_ d: ExperimentResult.Distribution, _ b: Int) -> Double { 4 * log2(d.edges[b + 1] / max(d.edges[b], d.edges[b + 1] / 2)) }
        hist.yMax = niceCeiling(withDistribution.map { item in
            let d = item.element.result.leadTimeDistribution!
            return d.shares.indices.filter { $0 + 1 < d.edges.count }.compactMap { b in (d.shares[b].ci95?.high ?? d.shares[b].estimate).map { $0 / width(d, b) } }.max() ?? 0
        }.max()!)
        for (i, design) in withDistribution {
            let d = design.result.leadTimeDistribution!, colour = withDistribution.count > 1 ? designPalette[i % designPalette.count] : palette[0]
            let overlay = withDistribution.count > 1
            for (b, share) in d.shares.enumerated() {
                guard let raw = share.estimate, b + 1 < d.edges.count, d.edges[b + 1] > low else { continue }
                let w = width(d, b), v = raw / w
                let x0 = hist.x(xScale, max(d.edges[b], low)), x1 = hist.x(xScale, d.edges[b + 1])
                let y = hist.y(v)
                hist.marks += "<rect class=\"mark bar\" data-series=\"\(i)\" data-bin=\"\(b)\" data-share=\"\(exact(raw))\" data-doublings=\"\(exact(w / 4))\" data-value=\"\(exact(v))\" x=\"\(num(x0))\" y=\"\(num(y))\" width=\"\(num(max(x1 - x0 - 0.5, 0.5)))\" height=\"\(num(hist.plotBottom - y))\" fill=\"\(overlay ? "none" : colour)\" stroke=\"\(colour)\" fill-opacity=\"0.6\"/>\n"
                if let ci = share.ci95 {
                    let xm = (x0 + x1) / 2
                    hist.marks += "<line class=\"interval\" x1=\"\(num(xm))\" x2=\"\(num(xm))\" y1=\"\(num(hist.y(ci.low / w)))\" y2=\"\(num(hist.y(ci.high / w)))\" stroke=\"#333\" stroke-width=\"0.8\"/>\n"
                }
            }
            var line = "", band = "", bandBack = ""
            for (b, e) in d.ecdf.enumerated() where b + 1 < d.edges.count && d.edges[b + 1] > low {
                guard let v = e.estimate else { continue }
                let x = ecdf.x(xScale, d.edges[b + 1])
                line += "\(num(x)),\(num(ecdf.y(v))) "
                if let ci = e.ci95 {
                    band += "\(num(x)),\(num(ecdf.y(ci.high))) "
                    bandBack = "\(num(x)),\(num(ecdf.y(ci.low))) " + bandBack
                }
                ecdf.marks += "<circle class=\"mark point\" data-series=\"\(i)\" data-bin=\"\(b)\" data-value=\"\(exact(v))\" cx=\"\(num(x))\" cy=\"\(num(ecdf.y(v)))\" r=\"1.2\" fill=\"\(colour)\"/>\n"
            }
            ecdf.marks = "<polygon class=\"band\" points=\"\(band)\(bandBack)\" fill=\"\(colour)\" fill-opacity=\"0.2\" stroke=\"none\"/>\n<polyline class=\"line\" points=\"\(line)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\"/>\n" + ecdf.marks
            hist.legend.append((design.name, colour))
            ecdf.legend.append((design.name, colour))
        }
        if let promise {
            for c in [hist, ecdf] {
                let x = c.x(xScale, promise)
                let mark = "<line class=\"promise\" data-value=\"\(exact(promise))\" x1=\"\(num(x))\" x2=\"\(num(x))\" y1=\"\(num(c.plotTop))\" y2=\"\(num(c.plotBottom))\" stroke=\"#000\" stroke-dasharray=\"4 3\"/>\n<text x=\"\(num(x + 4))\" y=\"\(num(c.plotTop + 12))\" class=\"note\">promise \(escape(Formatting.duration(promise)))</text>\n"
                if c.id == hist.id { hist.marks += mark } else { ecdf.marks += mark }
            }
        }
        hist.xTicks = xScale.ticks.map { (hist.x(xScale, $0), Formatting.duration($0)) }
        ecdf.xTicks = hist.xTicks
        hist.yTicks = niceTicks(0, hist.yMax).map { (hist.y($0), Formatting.percent($0)) }
        ecdf.yTicks = [0, 0.25, 0.5, 0.75, 1].map { (ecdf.y($0), Formatting.percent($0)) }
        let caption = note.map { "<p class=\"meta\">The promise (\(escape(Formatting.duration($0, unit: ("h", 3600)))) of working time) is on the business clock; these charts are in elapsed time, so it is not drawn: the on-time share counts it.</p>\n" } ?? ""
        return "<h\(level)>\(escape(title))</h\(level)>\n" + caption + hist.svg(scale: "log") + ecdf.svg(scale: "log")
    }

    static func percentileTable(_ designs: [(name: String, result: ExperimentResult)]) -> String {
        var html = "<h2>Percentiles of the lead time</h2>\n<table class=\"figures\">\n<tr><th>design</th>"
        let names = ["mean", "p50", "p90", "p95", "p99", "max", "on_time"]
        for n in names { html += "<th>\(n)</th>" }
        html += "</tr>\n"
        for (name, r) in designs {
            html += "<tr><td>\(escape(name))</td>"
            for n in names {
                let key = n == "on_time" ? "on_time" : "lead_time.\(n)"
                let e = r.estimate(key)
                let unit = Formatting.unit(for: abs(e?.estimate ?? 3600))
                let f: (Double) -> String = n == "on_time" ? { String(format: "%.1f%%", $0 * 100) } : { Formatting.duration($0, unit: unit) }
                let text = e?.estimate.map { x in f(x) + (e?.ci95.map { " [\(f($0.low)), \(f($0.high))]" } ?? "") } ?? "–"
                html += "<td>\(escape(text))</td>"
            }
            html += "</tr>\n"
        }
        return html + "</table>\n"
    }

    /// Utilisation and queue length per area over time (means over replications of samples).
    static func areaSeriesSection(_ r: ExperimentResult, level: Int = 2, calendar: Calendar? = nil, colours: [String: String] = [:],
                                  queueMax: Double? = nil) -> String {
        let areas = r.model.areas.count, times = r.areaSeriesTimes
        guard areas > 0, times.count > 1, r.areaBusyMean.count >= times.count * areas else { return "" }
        let span = times.last! - times.first!
        let days = span > 3 * 86_400
        let unit = days ? 86_400.0 : 3600.0
        let suffix = "\(r.settings.seed)-\(slug(r.model.name))-\(r.model.areas.count)-\(Int(r.model.horizon ?? 0))"
        var util = Chart(id: "utilisation-\(suffix)", title: "Utilisation per area (staff busy / staff on duty, averaged over each interval and the replications)", yMax: 1)
        var queue = Chart(id: "queue-\(suffix)", title: "Items waiting per area (averaged over each interval and the replications)", yMax: 0)
        queue.yMax = queueMax ?? niceCeiling(max((0..<times.count).flatMap { t in (0..<areas).map { r.areaQueueMean[t * areas + $0] } }.max() ?? 0, 1))
        let xScale = LinearScale(low: times.first!, high: times.last!)
        // The end of the warm-up: what lies before it is not in the figures.
        if r.model.warmup > times.first!, r.model.warmup < times.last! {
            for chart in [util, queue] {
                let x = chart.x(xScale, r.model.warmup)
                let mark = "<line class=\"warmup\" data-value=\"\(exact(r.model.warmup))\" x1=\"\(num(x))\" x2=\"\(num(x))\" y1=\"\(num(chart.plotTop))\" y2=\"\(num(chart.plotBottom))\" stroke=\"#777\" stroke-dasharray=\"2 3\"/>\n<text x=\"\(num(x + 3))\" y=\"\(num(chart.plotBottom - 4))\" class=\"note\">warm-up ends</text>\n"
                if chart.id == util.id { util.marks += mark } else { queue.marks += mark }
            }
        }
        // Campaigns shaded, so that a surge can be read against them.
        for p in calendar?.periods ?? [] where p.end > times.first! && p.start < times.last! {
            let band = { (chart: Chart) -> String in
                let x0 = chart.x(xScale, max(p.start, times.first!)), x1 = chart.x(xScale, min(p.end, times.last!))
                return "<rect class=\"period\" x=\"\(num(x0))\" y=\"\(num(chart.plotTop))\" width=\"\(num(x1 - x0))\" height=\"\(num(chart.plotBottom - chart.plotTop))\" fill=\"#ffe9a8\" fill-opacity=\"0.6\"/><text x=\"\(num(x0 + 3))\" y=\"\(num(chart.plotTop + 11))\" class=\"note\">\(escape(p.name))</text>\n"
            }
            util.marks += band(util)
            queue.marks += band(queue)
        }
        for a in 0..<areas {
            let colour = colours[r.model.areas[a].name] ?? palette[a % palette.count]
            // Utilisation is undefined while nobody is on duty (nights, weekends): the line stops
            // there and starts again, rather than drawing across the gap as if someone worked.
            var segments: [String] = [], u = "", q = ""
            for t in 0..<times.count {
                let x = util.x(xScale, times[t])
                let staff = r.areaStaffMean[t * areas + a], busy = r.areaBusyMean[t * areas + a]
                if staff > 0 {
                    let v = min(busy / staff, 1)
                    u += "\(num(x)),\(num(util.y(v))) "
                    util.marks += "<circle class=\"mark point\" data-series=\"\(a)\" data-sample=\"\(t)\" data-value=\"\(exact(v))\" cx=\"\(num(x))\" cy=\"\(num(util.y(v)))\" r=\"0.8\" fill=\"\(colour)\"/>\n"
                } else if !u.isEmpty {
                    segments.append(u)
                    u = ""
                }
                let w = r.areaQueueMean[t * areas + a]
                q += "\(num(x)),\(num(queue.y(w))) "
                queue.marks += "<circle class=\"mark point\" data-series=\"\(a)\" data-sample=\"\(t)\" data-value=\"\(exact(w))\" cx=\"\(num(x))\" cy=\"\(num(queue.y(w)))\" r=\"0.8\" fill=\"\(colour)\"/>\n"
            }
            if !u.isEmpty { segments.append(u) }
            for segment in segments {
                util.marks += "<polyline class=\"line\" data-series=\"\(a)\" points=\"\(segment)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.2\"/>\n"
            }
            queue.marks += "<polyline class=\"line\" points=\"\(q)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.2\"/>\n"
            if !segments.isEmpty { util.legend.append((r.model.areas[a].name, colour)) }
            queue.legend.append((r.model.areas[a].name, colour))
        }
        // "2 Mar": by hand, since Foundation's DateFormatter traps on Linux where the machine has
        // no time-zone database (a minimal container).
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func dayAndMonth(_ date: Date, in zone: TimeZone) -> String {
            let local = date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))
            let (_, month, day) = Timestamps.civil(Int((local / 86_400).rounded(.down)))
            return "\(day) \(months[month - 1])"
        }
        if r.model.calendarTime, let calendar {
            // Ticks at local midnights, every day, two days or week, whichever gives at most eight.
            var cal = Foundation.Calendar(identifier: .gregorian)
            cal.timeZone = calendar.timeZone
            let first = cal.startOfDay(for: calendar.start.addingTimeInterval(times.first!))
            let spanDays = (times.last! - times.first!) / 86_400
            let step = [1, 2, 7, 14, 28].first { spanDays / Double($0) <= 8 } ?? 56
            var ticks: [(Double, String)] = []
            var day = first
            while day.timeIntervalSince(calendar.start) <= times.last! {
                let t = day.timeIntervalSince(calendar.start)
                if t >= times.first! { ticks.append((util.x(xScale, t), dayAndMonth(day, in: calendar.timeZone))) }
                day = cal.date(byAdding: .day, value: step, to: day)!
            }
            util.xTicks = ticks
        } else {
            // Round values of the unit (20d, 40d, …), not sixths of the sampled span (0.6d, 20.4d).
            util.xTicks = niceTicks(times.first! / unit, times.last! / unit, count: 6).map { v in
                (util.x(xScale, v * unit), String(format: "%g%@", v, days ? "d" : "h"))
            }
        }
        queue.xTicks = util.xTicks
        util.yTicks = [0, 0.25, 0.5, 0.75, 1].map { (util.y($0), Formatting.percent($0)) }
        queue.yTicks = [0, 0.25, 0.5, 0.75, 1].map { (queue.y(queue.yMax * $0), String(format: "%g", queue.yMax * $0)) }
        return "<h\(level)>Areas over time</h\(level)>\n" + util.svg(scale: "linear") + queue.svg(scale: "linear")
    }

    /// Where the time goes per step: mean wait, work and handoff per visit, stacked.
    static func stepSection(_ r: ExperimentResult, level: Int = 2) -> String {
        var rows: [(name: String, parts: [Double])] = []
        for (j, journey) in r.model.journeys.enumerated() {
            for (s, step) in journey.steps.enumerated() {
                let scope = MetricScope.step(journey: j, step: s)
                let parts = ["wait.mean", "service.mean", "handoff.mean"].map { r.estimate($0, scope)?.estimate ?? 0 }.map { $0.isFinite ? $0 : 0 }
                rows.append(("\(journey.name)/\(step.name)", parts))
            }
        }
        guard !rows.isEmpty else { return "" }
        let maxTotal = max(rows.map { $0.parts.reduce(0, +) }.max() ?? 1, 1)
        let rowHeight = 22.0, left = 180.0, width = 720.0, plotWidth = width - left - 80
        let height = Double(rows.count) * rowHeight + 50
        let colours = ["#d62728", "#1f77b4", "#ff7f0e"], names = ["waiting", "working", "handoff"]
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"steps-\(slug(r.model.name))-\(r.settings.seed)\" data-max=\"\(exact(maxTotal))\" data-width=\"\(num(plotWidth))\" width=\"\(num(width))\" height=\"\(num(height))\" viewBox=\"0 0 \(num(width)) \(num(height))\">\n"
        svg += "<title>Mean time per visit of each step: waiting, working, handoff</title>\n"
        for (i, row) in rows.enumerated() {
            let y = 10 + Double(i) * rowHeight
            svg += "<text x=\"\(num(left - 6))\" y=\"\(num(y + 14))\" text-anchor=\"end\" class=\"label\">\(escape(row.name))</text>\n"
            var x = left
            for (k, part) in row.parts.enumerated() where part > 0 {
                let w = part / maxTotal * plotWidth
                svg += "<rect class=\"mark segment\" data-row=\"\(i)\" data-part=\"\(names[k])\" data-value=\"\(exact(part))\" x=\"\(num(x))\" y=\"\(num(y + 3))\" width=\"\(num(w))\" height=\"\(num(rowHeight - 6))\" fill=\"\(colours[k])\"><title>\(escape(row.name)) \(names[k]): \(escape(Formatting.duration(part)))</title></rect>\n"
                x += w
            }
            svg += "<text x=\"\(num(x + 4))\" y=\"\(num(y + 14))\" class=\"note\">\(escape(Formatting.duration(row.parts.reduce(0, +))))</text>\n"
        }
        for (k, name) in names.enumerated() {
            let x = left + Double(k) * 110
            svg += "<rect x=\"\(num(x))\" y=\"\(num(height - 22))\" width=\"10\" height=\"10\" fill=\"\(colours[k])\"/><text x=\"\(num(x + 14))\" y=\"\(num(height - 13))\" class=\"label\">\(name)</text>\n"
        }
        svg += "</svg>\n"
        let caption = r.model.areas.contains { $0.schedule != nil } ? "<p class=\"meta\">Work is in working time: work paused outside working hours is not in these bars, so they add up to less than the lead time.</p>\n" : ""
        return "<h\(level)>Where the time goes, per step (mean per visit)</h\(level)>\n" + caption + svg
    }

    /// Rework, losses and complaints per demand type.
    static func flowSection(_ designs: [(name: String, result: ExperimentResult)]) -> String {
        let names = ["arrivals", "completed", "rework", "abandoned", "cancelled", "turned_away", "unfinished"]
        let several = designs.count > 1
        var html = "<h2>Flows per replication (means)</h2>\n<table class=\"figures\">\n<tr>\(several ? "<th>design</th>" : "")<th>demand type</th>" + names.map { "<th>\($0)</th>" }.joined() + "</tr>\n"
        for (name, r) in designs {
            for (d, demand) in r.model.demands.enumerated() {
                let complaint = demand.arrivals == .triggered ? " (complaints: created by failures)" : ""
                html += "<tr>\(several ? "<td>\(escape(name))</td>" : "")<td>\(escape(demand.name + complaint))</td>"
                for n in names {
                    let x = r.estimate(n, .demand(d))?.estimate
                    html += "<td>\(escape(x.map { String(format: $0 >= 100 || $0 == $0.rounded() ? "%.0f" : "%.1f", $0) } ?? "–"))</td>"
                }
                html += "</tr>\n"
            }
        }
        return html + "</table>\n"
    }

    /// Cost against the first target for every design decided by simulation, each with its
    /// interval and its staffing, the target drawn.
    static func frontierSection(_ plan: PlanResult) -> String {
        let decided = plan.designs.filter { $0.replications > 0 && $0.costPerMonth.isFinite }
        guard let target = plan.targets.first, !decided.isEmpty else { return "" }
        let costs = decided.map(\.costPerMonth)
        let lows = decided.compactMap { $0.estimates.first.flatMap { $0.ci95?.low ?? $0.estimate } }
        let highs = decided.compactMap { $0.estimates.first.flatMap { $0.ci95?.high ?? $0.estimate } }
        guard let vLow = (lows + [target.threshold]).min(), let vHigh = (highs + [target.threshold]).max(), let cMin = costs.min(), let cMax = costs.max() else { return "" }
        let pad = max((vHigh - vLow) * 0.1, abs(vHigh) * 0.01, 1e-9)
        var chart = Chart(id: "frontier", title: "\(plan.costed ? "Cost per month" : "People") against \(target.source), every design decided by simulation (95% intervals)", yMax: 0)
        chart.yLow = vLow - pad
        chart.yMax = vHigh + pad
        let cPad = max((cMax - cMin) * 0.05, 1)
        let xScale = LinearScale(low: cMin - cPad, high: cMax + cPad)
        let f: (Double) -> String = target.dimension == .duration ? { Formatting.duration($0, unit: Formatting.unit(for: abs(target.threshold))) } : target.dimension == .fraction ? { String(format: "%.2f%%", $0 * 100) } : { String(format: "%.4g", $0) }
        let ty = chart.y(target.threshold)
        chart.marks += "<line class=\"threshold\" data-value=\"\(exact(target.threshold))\" x1=\"\(num(chart.plotLeft))\" x2=\"\(num(chart.plotRight))\" y1=\"\(num(ty))\" y2=\"\(num(ty))\" stroke=\"#000\" stroke-dasharray=\"4 3\"/><text x=\"\(num(chart.plotRight - 4))\" y=\"\(num(ty - 4))\" text-anchor=\"end\" class=\"note\">target \(escape(target.source.components(separatedBy: CharacterSet(charactersIn: "<>=")).last?.trimmingCharacters(in: .whitespaces) ?? f(target.threshold)))</text>\n"
        for (i, d) in decided.enumerated() {
            guard let est = d.estimates.first, let v = est.estimate else { continue }
            let colour = d.status == .feasible ? "#2ca02c" : d.status == .infeasible ? "#d62728" : "#7f7f7f"
            let x = chart.x(xScale, d.costPerMonth), y = chart.y(v)
            if let ci = est.ci95 {
                chart.marks += "<line class=\"interval\" x1=\"\(num(x))\" x2=\"\(num(x))\" y1=\"\(num(chart.y(ci.low)))\" y2=\"\(num(chart.y(ci.high)))\" stroke=\"\(colour)\"/>\n"
            }
            let label = d.staff.map(String.init).joined(separator: "/")
            chart.marks += "<circle class=\"mark point\" data-series=\"0\" data-index=\"\(i)\" data-value=\"\(exact(v))\" data-cost=\"\(exact(d.costPerMonth))\" cx=\"\(num(x))\" cy=\"\(num(y))\" r=\"4\" fill=\"\(colour)\"><title>\(escape(zip(plan.factors, d.staff).map { "\($0) = \($1)" }.joined(separator: ", "))): \(d.status.rawValue)</title></circle><text x=\"\(num(x + 6))\" y=\"\(num(y + 4))\" class=\"note\">\(escape(label))</text>\n"
        }
        chart.legend = [("meets", "#2ca02c"), ("misses", "#d62728"), ("undecided", "#7f7f7f")]
        chart.xTicks = niceTicks(xScale.low, xScale.high).map { (chart.x(xScale, $0), plan.costed ? String(Int($0.rounded())) : String(format: "%g", $0)) }
        chart.yTicks = [0, 0.25, 0.5, 0.75, 1].map { chart.yLow + (chart.yMax - chart.yLow) * $0 }.map { (chart.y($0), f($0)) }
        let headline = plan.chosen != nil ? "" : "<p class=\"verdict\">No design in the ranges meets every target.</p>\n"
        return "<h2>Cost against the target</h2>\n" + headline + "<p class=\"meta\">Labels give each design's staff in the order \(escape(plan.factors.map(\.description).joined(separator: " / "))).</p>\n" + chart.svg(scale: "linear")
    }

    static func effectChart(_ factors: [(name: String, effect: Double, low: Double, high: Double)], id: String,
                            format: @escaping (Double) -> String = { String(format: "%.3g", $0) }) -> String {
        let signed: (Double) -> String = { $0 < 0 ? "−" + format(-$0) : "+" + format($0) }
        let extent = max(factors.map { max(abs($0.low), abs($0.high), abs($0.effect)) }.max() ?? 1, 1e-12)
        let rowHeight = 24.0, left = 220.0, width = 720.0, plotWidth = width - left - 30, mid = left + plotWidth / 2
        let height = Double(factors.count) * rowHeight + 20
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"\(id)\" data-max=\"\(exact(extent))\" data-width=\"\(num(plotWidth / 2))\" width=\"\(num(width))\" height=\"\(num(height + 24))\" viewBox=\"0 0 \(num(width)) \(num(height + 24))\">\n"
        svg += "<line x1=\"\(num(mid))\" x2=\"\(num(mid))\" y1=\"0\" y2=\"\(num(height))\" stroke=\"#999\"/>\n"
        svg += "<line class=\"axis\" x1=\"\(num(left))\" x2=\"\(num(left + plotWidth))\" y1=\"\(num(height))\" y2=\"\(num(height))\"/>\n"
        for k in [-1.0, -0.5, 0, 0.5, 1] {
            let x = mid + k * plotWidth / 2
            svg += "<text class=\"tick\" x=\"\(num(x))\" y=\"\(num(height + 14))\" text-anchor=\"middle\">\(escape(k == 0 ? "0" : signed(k * extent)))</text>\n"
        }
        for (i, f) in factors.enumerated() {
            let y = 6 + Double(i) * rowHeight
            let x0 = mid + min(0, f.effect) / extent * plotWidth / 2, w = abs(f.effect) / extent * plotWidth / 2
            svg += "<text x=\"\(num(left - 6))\" y=\"\(num(y + 13))\" text-anchor=\"end\" class=\"label\">\(escape(f.name))</text>\n"
            svg += "<rect class=\"mark effect\" data-value=\"\(exact(f.effect))\" x=\"\(num(x0))\" y=\"\(num(y + 2))\" width=\"\(num(w))\" height=\"\(num(rowHeight - 8))\" fill=\"#1f77b4\"/>\n"
            let labelX = f.effect < 0 ? min(x0, mid + f.low / extent * plotWidth / 2) - 4 : max(x0 + w, mid + f.high / extent * plotWidth / 2) + 4
            svg += "<text x=\"\(num(labelX))\" y=\"\(num(y + 14))\" text-anchor=\"\(f.effect < 0 ? "end" : "start")\" class=\"note\">\(escape(signed(f.effect)))</text>\n"
            svg += "<line class=\"interval\" x1=\"\(num(mid + f.low / extent * plotWidth / 2))\" x2=\"\(num(mid + f.high / extent * plotWidth / 2))\" y1=\"\(num(y + rowHeight / 2 - 2))\" y2=\"\(num(y + rowHeight / 2 - 2))\" stroke=\"#333\"/>\n"
        }
        return svg + "</svg>\n"
    }

    // MARK: - The data the charts show

    static func chartData(_ designs: [(name: String, result: ExperimentResult)]) -> JSONValue {
        .object([("designs", .array(designs.map { name, r in
            let d = r.leadTimeDistribution
            return .object([
                ("name", .string(name)),
                ("lead_time_edges", .array((d?.edges ?? []).map { .number($0) })),
                ("lead_time_share", .array((d?.shares ?? []).map { .number($0.estimate) })),
                ("lead_time_ecdf", .array((d?.ecdf ?? []).map { .number($0.estimate) })),
                ("lead_time_by_demand", .object(r.leadTimeDistributionByDemand.enumerated().map { i, dist in
                    (r.model.demands[i].name, .object([
                        ("edges", .array((dist?.edges ?? []).map { .number($0) })),
                        ("share", .array((dist?.shares ?? []).map { .number($0.estimate) })),
                        ("ecdf", .array((dist?.ecdf ?? []).map { .number($0.estimate) })),
                    ]))
                })),
                ("area_series_time", .array(r.areaSeriesTimes.map { .number($0) })),
                ("series_time", .array(r.wipSeriesTimes.map { .number($0) })),
                ("areas", .array(r.model.areas.map { .string($0.name) })),
                ("area_busy", .array(r.areaBusyMean.map { .number($0) })),
                ("area_queue", .array(r.areaQueueMean.map { .number($0) })),
                ("area_staff", .array(r.areaStaffMean.map { .number($0) })),
            ])
        }))])
    }

    // MARK: - The page

    static func document(title: String, body: String, data: JSONValue, charts: JSONValue) -> String {
        // JSON inside a script element: '<' and '&' escaped so that neither HTML nor XML reads markup in it.
        func embed(_ v: JSONValue) -> String {
            v.rendered().replacingOccurrences(of: "&", with: "\\u0026").replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
        }
        return """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(escape(title))</title>
            <style>
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; padding: 0 1rem; }
            h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; } h3 { font-size: 1rem; }
            .meta { color: #666; font-size: 0.85rem; }
            table.figures { border-collapse: collapse; font-size: 0.8rem; display: block; overflow-x: auto; max-width: 100%; }
            table.figures th, table.figures td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: right; }
            table.figures td:first-child, table.figures th:first-child { white-space: nowrap; }
            table.figures tr.significant td { font-weight: 600; }
            .verdict { font-weight: 600; color: #b00; }
            table.figures td:first-child, table.figures th:first-child { text-align: left; }
            svg.chart { display: block; margin: 0.5rem 0 1.5rem; font-size: 11px; width: 100%; height: auto; }
            @media (max-width: 40rem) {
              body { margin: 1rem auto; padding: 0 0.5rem; }
              table.figures { font-size: 0.7rem; }
              table.figures th, table.figures td { padding: 0.2rem 0.3rem; }
            }
            @media print {
              body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
              h2, h3 { break-after: avoid; }
              svg.chart, table.figures tr { break-inside: avoid; }
              table.figures { display: table; overflow: visible; font-size: 7.5pt; }
              pre { font-size: 7pt; }
            }
            svg .label, svg .note, svg .tick { fill: #333; }
            svg .axis { stroke: #999; }
            pre { background: #f6f6f6; padding: 0.8rem; white-space: pre-wrap; font-size: 0.75rem; }
            </style>
            </head>
            <body>
            \(body)
            <script type="application/json" id="procsim-data">\(embed(data))</script>
            <script type="application/json" id="procsim-charts">\(embed(charts))</script>
            </body>
            </html>

            """
    }

    static func escape(_ s: String) -> String { s.xmlEscaped }

    static func slug(_ s: String) -> String {
        String(s.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    /// A number as data: the shortest text that reads back to the same double.
    static func exact(_ x: Double) -> String { x.isFinite ? "\(x)" : "0" }

    /// Coordinates: plain decimals, never exponents or locale separators.
    static func num(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        return String(format: "%.4f", x).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
    }
}

// MARK: - A small chart

/// Round tick values (1, 2 or 5 times a power of ten apart) between two numbers.
func niceTicks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
    guard high > low else { return [low] }
    let step = niceCeiling((high - low) / Double(count))
    var t = (low / step).rounded(.up) * step, out: [Double] = []
    while t <= high + step * 1e-9 { out.append(t); t += step }
    return out
}

/// The smallest "round" number (1, 2 or 5 times a power of ten) at or above `x`: axis maxima
/// that read well.
func niceCeiling(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return 1 }
    let p = pow(10, floor(log10(x)))
    return [1.0, 2, 2.5, 5, 10].map { $0 * p }.first { $0 >= x * 0.999_999 } ?? 10 * p
}

struct LogScale {
    var low: Double, high: Double
    func unit(_ v: Double) -> Double { (log(max(v, low)) - log(low)) / (log(high) - log(low)) }
    /// Round durations across the range: 1 min, 10 min, 1 h, 4 h, 1 d, 2 d, 1 w, …
    var ticks: [Double] {
        [1, 10, 60, 300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 86_400, 2 * 86_400, 4 * 86_400, 604_800, 2 * 604_800, 4 * 604_800, 13 * 604_800, 52 * 604_800]
            .filter { $0 >= low && $0 <= high }
    }
}

struct LinearScale {
    var low: Double, high: Double
    func unit(_ v: Double) -> Double { high == low ? 0.5 : (v - low) / (high - low) }
    func ticks(_ n: Int) -> [Double] { (0...n).map { low + (high - low) * Double($0) / Double(n) } }
}

struct Chart {
    var id: String
    var title: String
    var yMax: Double
    /// The bottom of the value axis (0 unless a chart needs to zoom in).
    var yLow = 0.0
    var marks = ""
    var legend: [(String, String)] = []
    var xTicks: [(Double, String)] = []
    var yTicks: [(Double, String)] = []
    let width = 720.0, height = 260.0
    let plotLeft = 60.0, plotTop = 16.0
    var plotRight: Double { width - 20 }
    var plotBottom: Double { height - 40 }

    func x(_ s: LogScale, _ v: Double) -> Double { plotLeft + s.unit(v) * (plotRight - plotLeft) }
    func x(_ s: LinearScale, _ v: Double) -> Double { plotLeft + s.unit(v) * (plotRight - plotLeft) }
    func y(_ v: Double) -> Double {
        let span = yMax - yLow
        return plotBottom - (span > 0 ? (min(max(v, yLow), yMax) - yLow) / span : 0) * (plotBottom - plotTop)
    }

    func svg(scale: String) -> String {
        let n = HTMLReport.num
        let legendRows = (legend.count + 4) / 5
        let total = height + Double(max(legendRows - 1, 0)) * 14
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"\(id)\" data-max=\"\(HTMLReport.exact(yMax))\" data-low=\"\(HTMLReport.exact(yLow))\" data-top=\"\(n(plotTop))\" data-bottom=\"\(n(plotBottom))\" data-xscale=\"\(scale)\" width=\"\(n(width))\" height=\"\(n(total))\" viewBox=\"0 0 \(n(width)) \(n(total))\" style=\"max-width: \(n(width))px\">\n"
        s += "<title>\(HTMLReport.escape(title))</title>\n"
        s += "<text x=\"\(n(plotLeft))\" y=\"11\" class=\"label\">\(HTMLReport.escape(title))</text>\n"
        s += "<line class=\"axis\" x1=\"\(n(plotLeft))\" x2=\"\(n(plotRight))\" y1=\"\(n(plotBottom))\" y2=\"\(n(plotBottom))\"/>\n<line class=\"axis\" x1=\"\(n(plotLeft))\" x2=\"\(n(plotLeft))\" y1=\"\(n(plotTop))\" y2=\"\(n(plotBottom))\"/>\n"
        for (x, label) in xTicks {
            s += "<line class=\"axis\" x1=\"\(n(x))\" x2=\"\(n(x))\" y1=\"\(n(plotBottom))\" y2=\"\(n(plotBottom + 4))\"/><text class=\"tick\" x=\"\(n(x))\" y=\"\(n(plotBottom + 16))\" text-anchor=\"middle\">\(HTMLReport.escape(label))</text>\n"
        }
        for (y, label) in yTicks {
            s += "<line class=\"axis\" x1=\"\(n(plotLeft - 4))\" x2=\"\(n(plotLeft))\" y1=\"\(n(y))\" y2=\"\(n(y))\"/><text class=\"tick\" x=\"\(n(plotLeft - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(HTMLReport.escape(label))</text>\n"
        }
        s += marks
        for (i, (name, colour)) in legend.enumerated() {
            let x = plotLeft + Double(i % 5) * 130, y = height - 14 + Double(i / 5) * 14
            s += "<rect x=\"\(n(x))\" y=\"\(n(y - 9))\" width=\"10\" height=\"10\" fill=\"\(colour)\"/><text x=\"\(n(x + 14))\" y=\"\(n(y))\" class=\"label\">\(HTMLReport.escape(name))</text>\n"
        }
        return s + "</svg>\n"
    }
}
