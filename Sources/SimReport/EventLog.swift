import Foundation
import SimModel

/// One replication as an event log for process-mining tools (pm4py, Disco, ProM, Celonis): per
/// case (an item), its arrival (`[arrive]`: bracketed names are events, not steps), one event per service (the activity is its step, the resource
/// its area, with when the work started and when it completed), its delivery or abandonment,
/// and the demand type, on real dates. From time zero: the warm-up is in the log (the
/// experiment's figures leave it out), and items still in the operation at the horizon end
/// without a delivery.
public struct EventLog: Sendable {
    public let model: Model
    public let records: [ServiceRecord]
    public let start: Date
    public let timeZone: TimeZone

    /// Records in the order of completion; cases keep the items' numbers in arrival order.
    public init(model: Model, records: [ServiceRecord], start: Date, timeZone: TimeZone) {
        self.model = model
        // In time order; at one instant, an arrival before the work and the work before the end.
        let rank: [ServiceRecord.Kind: Int] = [.arrival: 0, .service: 1, .failed: 2, .rejected: 2, .abandoned: 3, .delivered: 4]
        self.records = records.sorted { ($0.end, $0.item, rank[$0.kind]!) < ($1.end, $1.item, rank[$1.kind]!) }
        self.start = start
        self.timeZone = timeZone
    }

    /// Step names by global step index, qualified by journey when there are several.
    var activities: [String] {
        model.journeys.flatMap { journey in journey.steps.map { model.journeys.count > 1 ? "\(journey.name)/\($0.name)" : $0.name } }
    }

    /// ISO 8601 with milliseconds and the scenario's offset at that instant (daylight saving included).
    func timestamp(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: start.addingTimeInterval((seconds * 1000).rounded() / 1000))
    }

    func caseName(_ item: Int) -> String { "case-\(item + 1)" }

    /// What an event is called in the log: the step for a service, else what happened.
    func activity(_ r: ServiceRecord, _ names: [String]) -> String {
        switch r.kind {
        case .service: names[r.step]
        case .arrival: "[arrive]"
        case .delivered: "[deliver]"
        case .abandoned: "[abandon at \(names[r.step])]"
        case .failed: "[failed at \(names[r.step])]"
        case .rejected: "[rejected at \(names[r.step])]"
        }
    }

    func resource(_ r: ServiceRecord) -> String { r.area >= 0 && r.kind == .service ? model.areas[r.area].name : "" }

    /// The CSV columns pm4py and most tools read without mapping.
    public var csv: String {
        let names = activities
        var out = "case:concept:name,concept:name,org:resource,start_timestamp,time:timestamp,lifecycle:transition,demand,caused_by\n"
        for r in records {
            out += [caseName(r.item), activity(r, names), resource(r), timestamp(r.start), timestamp(r.end), "complete",
                    model.demands[r.demand].name, r.parent >= 0 ? caseName(r.parent) : ""].map(CSVExport.field).joined(separator: ",") + "\n"
        }
        return out
    }

    /// IEEE 1849-2016 XES: a trace per case (in arrival order), its events in order of
    /// completion, with the standard concept, lifecycle, organizational and time extensions.
    public var xes: String {
        let names = activities
        let esc: (String) -> String = { $0.xmlEscaped }
        var byCase: [Int: [ServiceRecord]] = [:]
        for r in records { byCase[r.item, default: []].append(r) }
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
              <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
              <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
              <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
              <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
              <global scope="trace"><string key="concept:name" value="__INVALID__"/></global>
              <global scope="event"><string key="concept:name" value="__INVALID__"/><string key="lifecycle:transition" value="complete"/></global>
              <classifier name="Activity" keys="concept:name"/>
              <string key="concept:name" value="\(esc(model.name))"/>

            """
        for item in byCase.keys.sorted() {
            let events = byCase[item]!
            let cause = events.first { $0.kind == .arrival && $0.parent >= 0 }.map { "    <string key=\"caused_by\" value=\"\(caseName($0.parent))\"/>\n" } ?? ""
            out += "  <trace>\n    <string key=\"concept:name\" value=\"\(caseName(item))\"/>\n    <string key=\"demand\" value=\"\(esc(model.demands[events[0].demand].name))\"/>\n" + cause
            for r in events {
                let who = resource(r).isEmpty ? "" : "<string key=\"org:resource\" value=\"\(esc(resource(r)))\"/>"
                out += "    <event><string key=\"concept:name\" value=\"\(esc(activity(r, names)))\"/>\(who)<string key=\"lifecycle:transition\" value=\"complete\"/><date key=\"start_timestamp\" value=\"\(timestamp(r.start))\"/><date key=\"time:timestamp\" value=\"\(timestamp(r.end))\"/></event>\n"
            }
            out += "  </trace>\n"
        }
        return out + "</log>\n"
    }
}
