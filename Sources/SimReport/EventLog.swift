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
        func rank(_ kind: ServiceRecord.Kind) -> Int {
            switch kind {
            case .arrival: 0
            case .service: 1
            case .failed, .rejected: 2
            case .abandoned: 3
            case .delivered: 4
            }
        }
        self.records = records.sorted { ($0.end, $0.item, rank($0.kind)) < ($1.end, $1.item, rank($1.kind)) }
        self.start = start
        self.timeZone = timeZone
    }

    /// Step names by global step index, qualified by journey when there are several.
    var activities: [String] {
        model.journeys.flatMap { journey in journey.steps.map { model.journeys.count > 1 ? "\(journey.name)/\($0.name)" : $0.name } }
    }

    /// What the log calls each event, escaped once for the format: per global step, its
    /// service and the outcomes that can happen there, then the arrival and the delivery.
    private struct Names {
        var service: [[UInt8]] = [], abandoned: [[UInt8]] = [], failed: [[UInt8]] = [], rejected: [[UInt8]] = []
        var arrival: [UInt8] = [], delivered: [UInt8] = []
        var areas: [[UInt8]] = [], demands: [[UInt8]] = []

        init(_ log: EventLog, escape: (String) -> String) {
            func bytes(_ s: String) -> [UInt8] { Array(escape(s).utf8) }
            for name in log.activities {
                service.append(bytes(name))
                abandoned.append(bytes("[abandon at \(name)]"))
                failed.append(bytes("[failed at \(name)]"))
                rejected.append(bytes("[rejected at \(name)]"))
            }
            arrival = bytes("[arrive]")
            delivered = bytes("[deliver]")
            areas = log.model.areas.map { bytes($0.name) }
            demands = log.model.demands.map { bytes($0.name) }
        }

        /// The step for a service, else what happened.
        func activity(_ r: ServiceRecord) -> [UInt8] {
            switch r.kind {
            case .service: service[r.step]
            case .arrival: arrival
            case .delivered: delivered
            case .abandoned: abandoned[r.step]
            case .failed: failed[r.step]
            case .rejected: rejected[r.step]
            }
        }

        /// The area that did the work; nothing for events that are not work.
        func resource(_ r: ServiceRecord) -> [UInt8]? { r.area >= 0 && r.kind == .service ? areas[r.area] : nil }
    }

    /// `case-N`, for item N − 1: names a case in both formats (nothing in it needs escaping).
    private static func appendCase(_ item: Int, to out: inout [UInt8]) {
        out.append(contentsOf: "case-".utf8)
        out.append(contentsOf: String(item + 1).utf8)
    }

    /// The CSV columns pm4py and most tools read without mapping.
    public var csv: String {
        let names = Names(self, escape: CSVExport.field)
        var time = Timestamps(start: start, zone: timeZone)
        var out: [UInt8] = []
        out.reserveCapacity(records.count * 140 + 200)
        out.append(contentsOf: "case:concept:name,concept:name,org:resource,start_timestamp,time:timestamp,lifecycle:transition,case:demand,case:caused_by\n".utf8)
        let comma = UInt8(ascii: ",")
        for r in records {
            Self.appendCase(r.item, to: &out)
            out.append(comma)
            out.append(contentsOf: names.activity(r))
            out.append(comma)
            if let who = names.resource(r) { out.append(contentsOf: who) }
            out.append(comma)
            time.append(r.start, to: &out)
            out.append(comma)
            time.append(r.end, to: &out)
            out.append(contentsOf: ",complete,".utf8)
            out.append(contentsOf: names.demands[r.demand])
            out.append(comma)
            if r.parent >= 0 { Self.appendCase(r.parent, to: &out) }
            out.append(UInt8(ascii: "\n"))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// IEEE 1849-2016 XES: a trace per case (in arrival order), its events in order of
    /// completion, with the standard concept, lifecycle, organizational and time extensions.
    public var xes: String {
        let names = Names(self, escape: \.xmlEscaped)
        var time = Timestamps(start: start, zone: timeZone)
        // Grouped by case, each case's events kept in the log's order.
        let order = records.indices.sorted { (records[$0].item, $0) < (records[$1].item, $1) }
        var out: [UInt8] = []
        out.reserveCapacity(records.count * 300 + 1000)
        out.append(contentsOf: """
            <?xml version="1.0" encoding="UTF-8"?>
            <log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
              <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
              <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
              <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
              <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
              <global scope="trace"><string key="concept:name" value="__INVALID__"/></global>
              <global scope="event"><string key="concept:name" value="__INVALID__"/><string key="lifecycle:transition" value="complete"/></global>
              <classifier name="Activity" keys="concept:name"/>
              <string key="concept:name" value="\(model.name.xmlEscaped)"/>

            """.utf8)
        var next = order.startIndex
        while next < order.endIndex {
            let item = records[order[next]].item
            var end = next
            while end < order.endIndex && records[order[end]].item == item { end += 1 }
            let events = order[next..<end].map { records[$0] }
            out.append(contentsOf: "  <trace>\n    <string key=\"concept:name\" value=\"".utf8)
            Self.appendCase(item, to: &out)
            out.append(contentsOf: "\"/>\n    <string key=\"demand\" value=\"".utf8)
            out.append(contentsOf: names.demands[events[0].demand])
            out.append(contentsOf: "\"/>\n".utf8)
            if let cause = events.first(where: { $0.kind == .arrival && $0.parent >= 0 }) {
                out.append(contentsOf: "    <string key=\"caused_by\" value=\"".utf8)
                Self.appendCase(cause.parent, to: &out)
                out.append(contentsOf: "\"/>\n".utf8)
            }
            for r in events {
                out.append(contentsOf: "    <event><string key=\"concept:name\" value=\"".utf8)
                out.append(contentsOf: names.activity(r))
                out.append(contentsOf: "\"/>".utf8)
                if let who = names.resource(r), !who.isEmpty {
                    out.append(contentsOf: "<string key=\"org:resource\" value=\"".utf8)
                    out.append(contentsOf: who)
                    out.append(contentsOf: "\"/>".utf8)
                }
                out.append(contentsOf: "<string key=\"lifecycle:transition\" value=\"complete\"/><date key=\"start_timestamp\" value=\"".utf8)
                time.append(r.start, to: &out)
                out.append(contentsOf: "\"/><date key=\"time:timestamp\" value=\"".utf8)
                time.append(r.end, to: &out)
                out.append(contentsOf: "\"/></event>\n".utf8)
            }
            out.append(contentsOf: "  </trace>\n".utf8)
            next = end
        }
        out.append(contentsOf: "</log>\n".utf8)
        return String(decoding: out, as: UTF8.self)
    }
}
