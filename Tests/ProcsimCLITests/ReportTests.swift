import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SimScenario
import SimModel
import Testing

/// The HTML report: self-contained, well-formed, its marks drawn from its embedded data, and
/// rendered by a real browser without console errors.
@Suite struct HTMLReportTests {
    struct Page {
        var document: XMLDocument
        var data: [String: Any]
        var charts: [String: Any]
        var text: String

        init(_ url: URL) throws {
            text = try String(contentsOf: url, encoding: .utf8)
            let document = try XMLDocument(contentsOf: url)
            func json(_ id: String) throws -> [String: Any] {
                let node = try #require(try document.nodes(forXPath: "//*[local-name()='script'][@id='\(id)']").first)
                return try JSONSerialization.jsonObject(with: Data((node.stringValue ?? "").utf8)) as! [String: Any]
            }
            self.document = document
            data = try json("procsim-data")
            charts = try json("procsim-charts")
        }

        func marks(_ chart: String, _ kind: String) throws -> [XMLElement] {
            try document.nodes(forXPath: "//*[local-name()='svg'][@id='\(chart)']//*[contains(@class, 'mark \(kind)')]").compactMap { $0 as? XMLElement }
        }

        func chart(_ id: String) throws -> XMLElement {
            try #require(try document.nodes(forXPath: "//*[local-name()='svg'][@id='\(id)']").first as? XMLElement)
        }
    }

    /// An attribute's value (by name: `attribute(forName:)` misses attributes of elements in a
    /// default namespace, as SVG's are, on Linux).
    static func string(_ e: XMLElement, _ name: String) -> String? { e.attributes?.first { $0.name == name }?.stringValue }
    static func number(_ e: XMLElement, _ name: String) -> Double { Double(string(e, name) ?? "") ?? .nan }

    /// The areas' charts over time mark the end of the warm-up (10 days in the bundled process)
    /// and put their ticks on round days (20d, 40d, …), not on sixths of the sampled span.
    @Test func areaChartsMarkTheWarmupOnRoundDays() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = folder.appendingPathComponent("run.html")
        #expect(try CommandLineTests.procsim("run", "scenarios/order-to-delivery.yaml", "-n", "2", "-q", "--report", html.path).status == 0)
        let text = try String(contentsOf: html, encoding: .utf8)
        let warmups = text.components(separatedBy: "class=\"warmup\" data-value=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(warmups.count == 2 && warmups.allSatisfy { Double($0) == 10 * 86_400 })
        let days = try NSRegularExpression(pattern: ">([0-9.]+)d<").matches(in: text, range: NSRange(text.startIndex..., in: text))
            .compactMap { Range($0.range(at: 1), in: text).flatMap { Double(text[$0]) } }
        let long = days.filter { $0 >= 10 }
        #expect(!long.isEmpty && long.allSatisfy { $0.truncatingRemainder(dividingBy: 10) == 0 }, "\(long)")
    }

    /// Areas on office hours have nobody on duty at night and at weekends: their utilisation
    /// line stops there (several segments per area) instead of being drawn across the gap.
    @Test func utilisationLinesStopWhereNobodyIsOnDuty() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = folder.appendingPathComponent("run.html")
        #expect(try CommandLineTests.procsim("run", "scenarios/campaign-before-logistics.yaml", "-n", "2", "-q", "--report", html.path).status == 0)
        let page = try Page(html)
        let chart = try #require(try page.document.nodes(forXPath: "//*[local-name()='svg'][starts-with(@id, 'utilisation-')]").first as? XMLElement)
        let lines = try chart.nodes(forXPath: ".//*[local-name()='polyline']").compactMap { $0 as? XMLElement }
        let perArea = Dictionary(grouping: lines, by: { Self.string($0, "data-series") ?? "" })
        #expect(perArea.count >= 3 && perArea.values.allSatisfy { $0.count > 10 }, "segments per area: \(perArea.mapValues(\.count))")
    }

    /// In a comparison, every design's queue chart has the same scale (they are read against each
    /// other), and the designs' colours are not the areas' (which mean areas in the charts below).
    @Test func compareChartsShareTheirScaleAndKeepColoursApart() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = folder.appendingPathComponent("compare.html")
        #expect(try CommandLineTests.procsim("compare", "scenarios/credit-approval-removed.yaml", "--variants", "base,no-credit-check",
                                             "-n", "2", "-q", "--report", html.path).status == 0)
        let page = try Page(html)
        let queues = try page.document.nodes(forXPath: "//*[local-name()='svg'][starts-with(@id, 'queue-')]").compactMap { $0 as? XMLElement }
        #expect(queues.count == 2 && Set(queues.map { Self.string($0, "data-max") ?? "" }).count == 1)
        let bars = try page.marks("lead-time-histogram", "bar")
        let designColours = Set(bars.compactMap { Self.string($0, "stroke") })
        let areaColours = Set(try page.document.nodes(forXPath: "//*[local-name()='svg'][starts-with(@id, 'utilisation-')]//*[local-name()='polyline']")
            .compactMap { ($0 as? XMLElement).flatMap { Self.string($0, "stroke") } })
        #expect(designColours.count == 2 && !areaColours.isEmpty && designColours.isDisjoint(with: areaColours), "\(designColours) \(areaColours)")
    }

    @Test func runReportMarksMatchTheirData() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = folder.appendingPathComponent("run.html")
        let run = try CommandLineTests.procsim("run", "scenarios/campaign-before-logistics.yaml", "-n", "5", "-q", "--report", html.path)
        #expect(run.status == 0)
        let page = try Page(html)
        // Self-contained: nothing is fetched from elsewhere.
        #expect(!page.text.contains("http://") || !page.text.replacingOccurrences(of: "http://www.w3.org/", with: "").contains("http://"))
        #expect(!page.text.contains("https://") && !page.text.contains("<link") && !page.text.contains("src="))
        let design = (page.charts["designs"] as! [[String: Any]])[0]
        // Histogram bars: each bar's share is the bin's mean share, as the run's JSON gives it;
        // its value is that share per quarter doubling of the lead time (the bin's width on the
        // log axis, about a quarter doubling), so that the values are about the shares and add up
        // to about 100%; its height is that value on the chart's scale.
        let shares = design["lead_time_share"] as! [Any]
        let system = page.data["system"] as! [String: Any]
        let distribution = ((system["lead_time"] as! [String: Any])["distribution"] as! [String: Any])
        let jsonShares = (distribution["share"] as! [[String: Any]]).map { $0["estimate"] as? Double }
        let histogram = try page.chart("lead-time-histogram")
        let top = Self.number(histogram, "data-top"), bottom = Self.number(histogram, "data-bottom"), max = Self.number(histogram, "data-max")
        let bars = try page.marks("lead-time-histogram", "bar")
        #expect(bars.count > 5)
        var total = 0.0
        for bar in bars {
            let bin = Int(Self.number(bar, "data-bin"))
            let share = try #require(shares[bin] as? Double)
            // (JSONSerialization on Linux may round the last digit of a double.)
            #expect(abs(Self.number(bar, "data-share") - share) <= 1e-14)
            #expect(abs(share - (jsonShares[bin] ?? .nan)) < 1e-12)
            let edges = design["lead_time_edges"] as! [Double]
            let quarters = 4 * log2(edges[bin + 1] / Swift.max(edges[bin], edges[bin + 1] / 2))
            #expect(abs(Self.number(bar, "data-value") - share / quarters) < 1e-12)
            #expect(abs(Self.number(bar, "height") - share / quarters / max * (bottom - top)) < 2e-3, "bin \(bin)")
            total += Self.number(bar, "data-value")
        }
        // Within a doubling the four bins are 0.32, 0.26, 0.22 and 0.19 doublings wide: for a
        // density that changes little across a bin the values add up to 100% within a few points.
        #expect(abs(total - 1) < 0.05, "the bars add up to \(total)")
        // ECDF points rise to 1.
        let ecdf = try page.marks("lead-time-ecdf", "point").map { Self.number($0, "data-value") }
        #expect(zip(ecdf, ecdf.dropFirst()).allSatisfy { $0 <= $1 + 1e-9 } && abs((ecdf.last ?? 0) - 1) < 1e-3)
        // Utilisation over time: each point is busy / staff at its sample, from the embedded series.
        let areas = (design["areas"] as! [String]).count
        let busy = design["area_busy"] as! [Double], staff = design["area_staff"] as! [Double]
        let utilisation = try #require(try page.document.nodes(forXPath: "//*[local-name()='svg'][starts-with(@id, 'utilisation-')]").first as? XMLElement)
        let points = try utilisation.nodes(forXPath: ".//*[contains(@class, 'mark point')]").compactMap { $0 as? XMLElement }
        #expect(!points.isEmpty)
        for p in points {
            let a = Int(Self.number(p, "data-series")), t = Int(Self.number(p, "data-sample"))
            let expected = Swift.min(busy[t * areas + a] / staff[t * areas + a], 1)
            #expect(abs(Self.number(p, "data-value") - expected) < 1e-4)
        }
        // The campaign surge shows: logistics is busier during the campaign than before it.
        // Steps: each segment's width is its mean time on the chart's scale, as the JSON says.
        let steps = try #require(try page.document.nodes(forXPath: "//*[local-name()='svg'][starts-with(@id, 'steps-')]").first as? XMLElement)
        let scale = Self.number(steps, "data-width") / Self.number(steps, "data-max")
        let segments = try steps.nodes(forXPath: ".//*[contains(@class, 'mark segment')]").compactMap { $0 as? XMLElement }
        #expect(!segments.isEmpty)
        for s in segments { #expect(abs(Self.number(s, "width") - Self.number(s, "data-value") * scale) < 2e-3) }
        let stepFigures = page.data["steps"] as! [String: Any]
        let pick = try #require(stepFigures["order/pick-and-pack"] as? [String: Any])
        let pickWait = ((pick["wait"] as! [String: Any])["mean"] as! [String: Any])["estimate"] as! Double
        #expect(segments.contains { abs(Self.number($0, "data-value") - pickWait) < 1e-3 * Swift.max(1, pickWait) && Self.string($0, "data-part") == "waiting" })
        // This promise is on the business clock: not drawn on elapsed time, and said so.
        #expect(try page.document.nodes(forXPath: "//*[contains(@class, 'promise')]").isEmpty)
        #expect(page.text.contains("is on the business clock"))
    }

    /// The plan's chart: a point per design decided by simulation, at its cost and its value of
    /// the first target, as the plan's JSON gives them.
    @Test func planFrontierMatchesTheDesigns() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = folder.appendingPathComponent("plan.html")
        let plan = try CommandLineTests.procsim("plan", "scenarios/order-to-delivery.yaml", "--target", "p95(lead_time) <= 50h",
                                                "--vary", "areas.logistics.staff=2..5", "--vary", "areas.warehouse.staff=3..6",
                                                "--cost", "logistics=3200/month", "--cost", "warehouse=2900/month", "--confirm", "0", "--report", html.path)
        #expect(plan.status == 0)
        let page = try Page(html)
        let designs = (page.data["designs"] as! [[String: Any]]).filter { ($0["replications"] as! Int) > 0 }
        let points = try page.marks("frontier", "point")
        #expect(points.count == designs.count && !points.isEmpty)
        let expected = Set(designs.map { d in
            [String(format: "%.6g", d["cost_per_month"] as! Double), String(format: "%.6g", ((d["targets"] as! [[String: Any]])[0]["estimate"] as! Double))]
        })
        let drawn = Set(points.map { [String(format: "%.6g", Self.number($0, "data-cost")), String(format: "%.6g", Self.number($0, "data-value"))] })
        #expect(drawn == expected)
    }

    /// The page's layout as Chromium lays it out in a frame `width` pixels wide: the page's
    /// width, each chart's right edge, each table's content and box widths. `print` applies the
    /// print stylesheet (as the screen's, on a frame as wide as A4 paper's printable width).
    static func layout(_ html: URL, width: Int, print: Bool = false) throws -> (page: Int, charts: [Int], tables: [(content: Int, box: Int)]) {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var text = try String(contentsOf: html, encoding: .utf8)
        if print { text = text.replacingOccurrences(of: "@media print", with: "@media all") }
        let probe = """
            <script>
            parent.document.body.setAttribute('data-layout', JSON.stringify({page: document.documentElement.scrollWidth,
              charts: [...document.querySelectorAll('svg.chart')].map(s => Math.ceil(s.getBoundingClientRect().right)),
              tables: [...document.querySelectorAll('table.figures')].map(t => [t.scrollWidth, t.clientWidth])}));
            </script></body>
            """
        try text.replacingOccurrences(of: "</body>", with: probe).write(to: folder.appendingPathComponent("page.html"), atomically: true, encoding: .utf8)
        // A frame, since headless Chromium's window is at least 500 pixels wide.
        let frame = folder.appendingPathComponent("frame.html")
        try "<html><body style=\"margin:0\"><iframe src=\"page.html\" style=\"border:0\" width=\"\(width)\" height=\"900\"></iframe></body></html>"
            .write(to: frame, atomically: true, encoding: .utf8)
        let r = try CommandLineTests.run(URL(fileURLWithPath: "/usr/bin/env"), [
            "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--allow-file-access-from-files",
            "--user-data-dir=\(folder.appendingPathComponent("profile").path)", "--window-size=1400,1000", "--virtual-time-budget=5000",
            "--dump-dom", frame.absoluteString])
        let attribute = try #require(r.stdout.components(separatedBy: "data-layout=\"").dropFirst().first?.prefix { $0 != "\"" }, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(attribute.replacingOccurrences(of: "&quot;", with: "\"").utf8)) as! [String: Any]
        return (json["page"] as! Int, json["charts"] as! [Int], (json["tables"] as! [[Int]]).map { ($0[0], $0[1]) })
    }

    /// The report fits a phone (390 px: the page never scrolls sideways; a wide table scrolls in
    /// its own box), a laptop (1280 px: every column of every table shows) and paper (the print
    /// stylesheet: nothing scrolls, nothing is wider than the page).
    @Test func fitsAPhoneALaptopAndPaper() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = folder.appendingPathComponent("run.html"), compare = folder.appendingPathComponent("compare.html")
        #expect(try CommandLineTests.procsim("run", "scenarios/campaign-before-logistics.yaml", "-n", "3", "-q", "--report", run.path).status == 0)
        #expect(try CommandLineTests.procsim("compare", "scenarios/credit-approval-removed.yaml", "--variants", "base,no-credit-check",
                                             "-n", "3", "-q", "--report", compare.path).status == 0)
        for html in [run, compare] {
            let phone = try Self.layout(html, width: 390)
            #expect(phone.page <= 390 && !phone.charts.isEmpty && phone.charts.allSatisfy { $0 <= 390 }, "\(html.lastPathComponent) at 390 px: \(phone)")
            for (width, print) in [(1280, false), (718, true)] {
                let l = try Self.layout(html, width: width, print: print)
                #expect(l.page <= width && l.charts.allSatisfy { $0 <= width }, "\(html.lastPathComponent) at \(width) px: \(l)")
                #expect(l.tables.allSatisfy { $0.content <= $0.box }, "\(html.lastPathComponent) at \(width) px\(print ? ", printed" : ""): a table is cut: \(l.tables)")
            }
        }
    }

    /// Chromium (Debian's, installed by the test command) renders the report to a PNG with no
    /// console errors.
    @Test func rendersInAHeadlessBrowser() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = folder.appendingPathComponent("compare.html"), png = folder.appendingPathComponent("compare.png")
        let compare = try CommandLineTests.procsim("compare", "scenarios/credit-approval-removed.yaml", "--variants", "base,no-credit-check",
                                                   "-n", "3", "-q", "--report", html.path)
        #expect(compare.status == 0)
        let chromium = Process()
        chromium.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        chromium.arguments = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                              "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
                              "--enable-logging=stderr", "--v=0", "--window-size=1100,3000",
                              "--screenshot=\(png.path)", html.absoluteString]
        let err = Pipe()
        chromium.standardError = err
        chromium.standardOutput = Pipe()
        try chromium.run()
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        chromium.waitUntilExit()
        #expect(chromium.terminationStatus == 0, "\(log)")
        // An elapsed-time promise (3 days) is marked, once per chart, at 3 days.
        let promises = try Page(html).document.nodes(forXPath: "//*[contains(@class, 'promise')]").compactMap { $0 as? XMLElement }
        #expect(promises.count == 2 && promises.allSatisfy { Self.number($0, "data-value") == 3 * 86_400 })
        let consoleErrors = log.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
        #expect(consoleErrors.isEmpty, "\(consoleErrors)")
        let size = (try? FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int) ?? 0
        #expect(size > 20_000, "the screenshot has \(size) bytes")
    }
}

/// Event logs, imported by pm4py (installed by the test command into .build/pm4py): the cases,
/// the events and the directly-follows relations must be the journey's.
@Suite struct EventLogTests {
    /// Runs pm4py on a log: cases, events, the directly-follows pairs it discovers, and the case
    /// attributes it sees (`case:…` columns).
    static func mine(_ file: URL) throws -> (cases: Int, events: Int, pairs: Set<[String]>, caseColumns: [String]) {
        let python = CommandLineTests.root.appendingPathComponent(".build/pm4py/bin/python").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", """
            import json, sys, pandas, pm4py
            path = sys.argv[1]
            if path.endswith(".xes"):
                log = pm4py.read_xes(path)
            else:
                log = pandas.read_csv(path)
                log["time:timestamp"] = pandas.to_datetime(log["time:timestamp"], utc=True)
                log["start_timestamp"] = pandas.to_datetime(log["start_timestamp"], utc=True)
            dfg, starts, ends = pm4py.discover_dfg(log)
            print(json.dumps({"cases": int(log["case:concept:name"].nunique()), "events": int(len(log)),
                              "pairs": sorted([a, b] for (a, b) in dfg),
                              "case_columns": sorted(c for c in log.columns if c.startswith("case:"))}))
            """, file.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "pm4py failed: \(message)")
        let json = try JSONSerialization.jsonObject(with: data.split(separator: UInt8(ascii: "\n")).last.map { Data($0) } ?? data) as! [String: Any]
        return (json["cases"] as! Int, json["events"] as! Int, Set((json["pairs"] as! [[String]])), json["case_columns"] as! [String])
    }

    /// 200 orders through three steps, every one finished (no horizon): 200 cases, 1,000 events
    /// (arrival, three services, delivery) and exactly the journey's directly-follows
    /// relations, in CSV and in XES alike.
    @Test func aLinearJourneyIsMinedBack() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scenario = folder.appendingPathComponent("line.yaml")
        try """
            version: 1
            start: 2026-03-27 08:00
            timezone: Europe/Berlin
            areas:
              sales: {staff: 2}
              warehouse: {staff: 2}
              logistics: {staff: 1}
            demand:
              orders: {rate: 2/h, journey: order, max_arrivals: 200}
            journeys:
              order:
                steps:
                  - {name: quote, area: sales, duration: {dist: exponential, mean: 30m}}
                  - {name: pick, area: warehouse, duration: {dist: exponential, mean: 40m}}
                  - {name: ship, area: logistics, duration: {dist: exponential, mean: 20m}}
            """.write(to: scenario, atomically: true, encoding: .utf8)
        var caseColumns: [String: [String]] = [:]
        for ext in ["csv", "xes"] {
            let log = folder.appendingPathComponent("log.\(ext)")
            let run = try CommandLineTests.procsim("run", scenario.path, "-n", "2", "-q", "--event-log", log.path)
            #expect(run.status == 0, "\(run.stderr)")
            let mined = try Self.mine(log)
            caseColumns[ext] = mined.caseColumns
            #expect(mined.cases == 200 && mined.events == 1000, "\(ext): \(mined.cases) cases, \(mined.events) events")
            #expect(mined.pairs == [["[arrive]", "quote"], ["quote", "pick"], ["pick", "ship"], ["ship", "[deliver]"]], "\(ext): \(mined.pairs)")
        }
        // The case attributes have the names whichever the format: the CSV prefixes them `case:`
        // as pm4py names the XES trace attributes (`caused_by` is in the XES only where a case
        // has a cause; the CSV's column is there, empty, for every case).
        let csvColumns = Set(caseColumns["csv"] ?? []), xesColumns = Set(caseColumns["xes"] ?? [])
        #expect(xesColumns.contains("case:demand") && xesColumns.isSubset(of: csvColumns) && csvColumns == ["case:concept:name", "case:demand", "case:caused_by"], "\(caseColumns)")
        // Real dates in the scenario's time zone: the first order arrives after 08:00 on
        // 27 March 2026 in Berlin (UTC+1), and the clocks go forward on the 29th (UTC+2).
        let csv = try String(contentsOf: folder.appendingPathComponent("log.csv"), encoding: .utf8)
        #expect(csv.contains("2026-03-27T0") && csv.contains("+01:00"))
    }

    /// Order to delivery, with its credit check that sends work back: every directly-follows
    /// relation pm4py discovers is a transition the journey allows, and the straight path is there.
    @Test func reworkLoopsAreTransitionsTheJourneyAllows() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("o2d.csv")
        #expect(try CommandLineTests.procsim("run", "scenarios/order-to-delivery.yaml", "-n", "2", "-q", "--event-log", log.path, "--replication", "2").status == 0)
        let mined = try Self.mine(log)
        let scenario = try ScenarioLoader.load(path: "scenarios/order-to-delivery.yaml")
        let journey = scenario.model.journeys[0]
        var allowed: Set<[String]> = [["[arrive]", journey.steps[0].name]]
        for (i, step) in journey.steps.enumerated() {
            // An outcome event ([rejected at S], [failed at S]) sits between S and where it leads.
            let outcomes = ["[rejected at \(step.name)]", "[failed at \(step.name)]"]
            for o in outcomes { allowed.insert([step.name, o]) }
            for (destination, _) in journey.transitions(from: i) {
                let next: String? = switch destination {
                case .step(let j): journey.steps[j].name
                case .exit: "[deliver]"
                case .cancel: nil
                }
                if let next {
                    allowed.insert([step.name, next])
                    for o in outcomes { allowed.insert([o, next]) }
                }
            }
        }
        #expect(mined.pairs.isSubset(of: allowed), "not allowed: \(mined.pairs.subtracting(allowed))")
        let straight = zip(journey.steps, journey.steps.dropFirst()).map { [$0.name, $1.name] }
        #expect(Set(straight).isSubset(of: mined.pairs))
        // Every case that arrived is in the log, delivered or not.
        let arrivals = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").filter { $0.contains(",[arrive],") }.count
        #expect(mined.cases == arrivals && arrivals > 1000)
        // Credit checks reject some orders, and the log says so.
        #expect(mined.pairs.contains(["credit-check", "[rejected at credit-check]"]))
    }

    /// A complaint is caused by a delivery that went wrong (a failure nobody announced, or a
    /// late delivery the customer chases): its case names the order's case, which failed or
    /// was delivered before the complaint arrived.
    @Test func complaintsNameTheCaseThatCausedThem() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("md.csv")
        #expect(try CommandLineTests.procsim("run", "scenarios/missed-deliveries.yaml", "-n", "1", "-q", "--event-log", log.path).status == 0)
        let rows = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let complaints = rows.filter { $0[1] == "[arrive]" && !$0[7].isEmpty }
        #expect(complaints.count > 10)
        var wentWrong: [String: String] = [:]
        for r in rows where r[1].hasPrefix("[failed at ") || r[1] == "[deliver]" { wentWrong[r[0]] = wentWrong[r[0]] ?? r[4] }
        #expect(complaints.contains { c in rows.contains { $0[0] == c[7] && $0[1].hasPrefix("[failed at ") } })
        for c in complaints {
            let cause = try #require(wentWrong[c[7]], "\(c[7]) caused \(c[0]) but neither failed nor was delivered")
            #expect(cause < c[4], "\(c[0]) arrived at \(c[4]), before \(c[7]) went wrong at \(cause)")
        }
    }
}

/// Tidy CSV: the same numbers as the JSON, one observation per row.
@Suite struct CSVExportTests {
    @Test func csvHoldsTheJSONFigures() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("csv")
        let run = try CommandLineTests.procsim("run", "scenarios/order-to-delivery.yaml", "-n", "4", "-q", "--json", "--csv", csv.path)
        #expect(run.status == 0)
        // Piped output never carries colour codes.
        #expect(!run.stdout.contains("\u{1B}["))
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let mean = (((json["system"] as! [String: Any])["lead_time"] as! [String: Any])["mean"] as! [String: Any])
        func rows(_ name: String) throws -> [[String]] {
            try String(contentsOf: csv.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        let figures = try rows("figures.csv")
        #expect(figures[0] == ["design", "figure", "unit", "estimate", "ci95_low", "ci95_high", "n"])
        let row = try #require(figures.first { $0[1] == "lead_time.mean" })
        // (JSONSerialization on Linux may round a double's last digit.)
        #expect(abs(Double(row[3])! - (mean["estimate"] as! Double)) <= 1e-9 && row[2] == "s" && row[6] == "4")
        let ci = mean["ci95"] as! [Double]
        #expect(abs(Double(row[4])! - ci[0]) <= 1e-9 && abs(Double(row[5])! - ci[1]) <= 1e-9)
        #expect(figures.first { $0[1] == "throughput" }?[2] == "per_s" && figures.first { $0[1] == "on_time" }?[2] == "fraction")
        // Every figure of every replication; their mean is the estimate.
        let replications = try rows("replications.csv").dropFirst().filter { $0[2] == "lead_time.mean" }.map { Double($0[4])! }
        #expect(replications.count == 4)
        #expect(abs(replications.reduce(0, +) / 4 - (mean["estimate"] as! Double)) < 1e-9 * (mean["estimate"] as! Double))
        // Series: busy, queue and staff per area at every sample.
        let series = try rows("series.csv").dropFirst()
        let samples = Set(series.filter { $0[3] == "wip" }.map { $0[1] }).count
        // Area averages are over the intervals between samples, the last one to the horizon.
        #expect(samples > 10 && series.filter { $0[3] == "busy" }.count == samples * 5)
        // Order to delivery has no start date: its times are abstract, with no local dates.
        #expect(series.allSatisfy { $0[2].isEmpty })
        #expect(try rows("lead_time_distribution.csv").count > 10)
    }
}
