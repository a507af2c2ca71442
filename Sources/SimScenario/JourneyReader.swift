import Foundation
import SimKernel
import SimModel
import Yams

/// The journey constructs beyond work and routing: handoffs between areas, customers' patience,
/// failures and the contacts they cause.
extension ModelBuilder {
    /// `handoff: {delay: 2h}`, `handoff: {collect: [10:00, 15:00]}`, or both; `collect` may be
    /// `{at: [09:00], days: mon-fri}` or `{every: 4h}`.
    mutating func handoff(_ node: Node, _ path: String) -> Handoff? {
        guard let f = reader.mapping(node, path, allowed: Format.handoffKeys, what: "a handoff such as '{delay: 2h}' or '{collect: [10:00, 15:00]}'") else { return nil }
        if f["delay"] == nil && f["collect"] == nil {
            reader.error(node, path, "a handoff needs 'delay' (information passing takes time) and/or 'collect' (work is picked up at set times)")
            return nil
        }
        let delay = f["delay"].flatMap { distribution($0, "\(path).delay") }
        var releases: [Double] = []
        if let c = f["collect"] {
            guard let r = collectionTimes(c, "\(path).collect") else { return nil }
            releases = r
        }
        if f["delay"] != nil && delay == nil { return nil }
        return Handoff(delay: delay, releases: releases)
    }

    /// The instants at which a pile is collected, over the horizon.
    mutating func collectionTimes(_ node: Node, _ path: String) -> [Double]? {
        guard let horizon else {
            if !horizonGiven { reader.error(node, path, "collecting at set times needs a horizon: set 'horizon' (such as 90d)") }
            return nil
        }
        var times: [Node] = []
        var days = Array(0..<7)
        switch node {
        case .sequence(let list):
            times = Array(list)
        case .scalar:
            times = [node]
        case .mapping:
            guard let f = reader.mapping(node, path, allowed: Format.collectKeys, what: "collection times such as '{at: [10:00, 15:00], days: mon-fri}' or '{every: 4h}'") else { return nil }
            if let every = f["every"] {
                if f["at"] != nil { reader.error(f.keyNode("every"), path, "give either 'at' (times of day) or 'every' (an interval), not both"); return nil }
                guard let step = reader.duration(every, "\(path).every", positive: true) else { return nil }
                guard horizon / step <= 1e6 else {
                    reader.error(every, "\(path).every", "collecting every \(NodeReader.scalarText(every)) makes more than a million collections over the horizon; use a longer interval")
                    return nil
                }
                return stride(from: step, to: horizon + step, by: step).map { $0 }
            }
            guard let at = f["at"] else { reader.error(node, path, "missing key 'at' (times of day) or 'every' (an interval)"); return nil }
            times = at.sequence.map(Array.init) ?? [at]
            if let d = f["days"] {
                guard let set = CalendarNotation.weekdays(NodeReader.scalarText(d)) else {
                    reader.error(d, "\(path).days", "expected weekdays such as 'mon-fri', 'sat' or 'daily', found \(NodeReader.describe(d))")
                    return nil
                }
                days = set
            }
        default:
            reader.error(node, path, "expected times of day such as '[10:00, 15:00]', found \(NodeReader.describe(node))")
            return nil
        }
        var minutes: [Int] = []
        for (i, t) in times.enumerated() {
            guard let m = CalendarNotation.minute(Substring(NodeReader.scalarText(t)), allowEnd: false) else {
                reader.error(t, times.count > 1 ? "\(path)[\(i)]" : path, "expected a time of day 'HH:MM' such as '10:00', found \(NodeReader.describe(t))")
                return nil
            }
            minutes.append(m)
        }
        if minutes.isEmpty { reader.error(node, path, "expected at least one time of day"); return nil }
        var out: [Double] = []
        for day in clock.days(until: horizon) where days.contains(day.weekday) {
            for m in minutes {
                let t = clock.elapsed(day, minute: m)
                if t >= 0 && t <= horizon { out.append(t) }
            }
        }
        return Array(Set(out)).sorted()
    }

    /// `failure: {p: 5%, then: dispatch, customer_told: false, complaint: {demand: complaints, delay: 3d}}`.
    mutating func failure(_ node: Node, _ path: String, names: NameTable, index: Int) -> Failure? {
        guard let f = reader.mapping(node, path, allowed: Format.failureKeys, required: ["p"], what: "a failure such as '{p: 5%, customer_told: false, complaint: {demand: complaints, delay: 2d}}'") else { return nil }
        let p = f["p"].flatMap { reader.probability($0, "\(path).p") }
        var then: Destination?
        if let t = f["then"] {
            let name = NodeReader.scalarText(t)
            if name == "exit" {
                reader.error(t, "\(path).then", "a failed item is not delivered: expected a step to redo, 'cancel', or 'continue' (on through the journey)")
                return nil
            }
            if name != "continue" {
                then = destination(t, "\(path).then", names: names, allowExit: false, extra: ["continue"])
                if then == nil { return nil }
            }
        }
        var told = true
        if let t = f["customer_told"] {
            switch NodeReader.scalarText(t) {
            case "true", "yes": told = true
            case "false", "no": told = false
            default:
                reader.error(t, "\(path).customer_told", "expected true or false, found \(NodeReader.describe(t))")
                return nil
            }
        }
        let complaint = f["complaint"].flatMap { contact($0, "\(path).complaint") }
        if told, let c = f["complaint"] {
            reader.warning(c, "\(path).complaint", "the customer is told (customer_told is true), so nobody complains; set 'customer_told: false' for the complaint to arrive")
        }
        if !told && f["complaint"] == nil {
            reader.error(node, path, "the customer is not told: say what follows with 'complaint: {demand: …, delay: …}'")
            return nil
        }
        guard let p else { return nil }
        if f["complaint"] != nil && complaint == nil { return nil }
        return Failure(probability: p, then: then, customerTold: told, complaint: complaint)
    }

    /// `{demand: complaints, p: 30%, delay: {dist: exponential, mean: 2d}}`.
    mutating func contact(_ node: Node, _ path: String) -> Contact? {
        guard let f = reader.mapping(node, path, allowed: Format.contactKeys, required: ["demand", "delay"], what: "a contact such as '{demand: complaints, p: 30%, delay: 2d}'") else { return nil }
        var demand: Int?
        if let d = f["demand"], let name = reader.string(d, "\(path).demand") {
            demand = demandNames.index(of: name)
            if demand == nil { reader.error(d, "\(path).demand", unknown("demand type", name, demandNames.names)) }
        }
        let p = f["p"].map { reader.probability($0, "\(path).p") } ?? 1
        let delay = f["delay"].flatMap { distribution($0, "\(path).delay") }
        guard let demand, let p, let delay else { return nil }
        return Contact(demand: demand, probability: p, delay: delay)
    }
}

extension ModelBuilder {
    /// The `systems:` section: what breaks down, and how often and for how long.
    mutating func readSystems(_ node: Node?, horizon: Double?) -> [System] {
        guard let node else { return [] }
        var out: [System] = []
        for (name, keyNode, value) in reader.namedMapping(node, "systems", what: "system") {
            let p = "systems.\(name)"
            nodes[p] = keyNode
            guard let f = reader.mapping(value, p, allowed: Format.systemKeys, required: Format.required(Format.system), what: "system '\(name)'") else { continue }
            let up = f["up"].flatMap { distribution($0, "\(p).up") }
            let down = f["down"].flatMap { distribution($0, "\(p).down") }
            if let d = f["description"] { _ = reader.string(d, "\(p).description") }
            if horizon == nil && !horizonGiven {
                reader.error(keyNode, p, "breakdowns need a horizon: set 'horizon' (such as 90d)")
            }
            if let up, up.mean == 0 {
                // Broken down again at once after every repair: the system is never up.
                reader.error(f["up"], "\(p).up", "expected a positive time between a repair and the next breakdown, found zero: the system would never be up")
            } else if let up, let down {
                if let h = horizon, h / (up.mean + down.mean) > 1e6 {
                    reader.error(f["up"], "\(p).up", "more than a million breakdowns per replication are expected; check 'up' and 'down'")
                    continue
                }
                out.append(System(name: name, up: up, down: down))
            }
        }
        return out
    }

    mutating func systemReferences(_ node: Node, _ path: String, names: NameTable) -> [Int] {
        let items: [Node] = node.sequence.map(Array.init) ?? [node]
        var out: [Int] = []
        for (i, item) in items.enumerated() {
            let name = NodeReader.scalarText(item)
            if let s = names.index(of: name), out.contains(s) {
                reader.error(item, node.sequence == nil ? path : "\(path)[\(i)]", "system '\(name)' is listed twice")
            } else if let s = names.index(of: name) { out.append(s) } else {
                reader.error(item, node.sequence == nil ? path : "\(path)[\(i)]", unknown("system", name, names.names))
            }
        }
        return out
    }

    /// `call_in: {above: 8, below: 2, up_to: 2}`.
    mutating func callInRule(_ node: Node, _ path: String, unlimited: Bool) -> CallIn? {
        guard let f = reader.mapping(node, path, allowed: Format.callInKeys, required: Format.required(Format.callIn), what: "a rule such as '{above: 8, below: 2, up_to: 2}'") else { return nil }
        if unlimited {
            reader.error(node, path, "an area with unlimited staff never has a queue to call people in for")
            return nil
        }
        let above = f["above"].flatMap { reader.integer($0, "\(path).above", atLeast: 0, what: "a whole number of waiting items of at least 0") }
        let below = f["below"].map { reader.integer($0, "\(path).below", atLeast: 0, what: "a whole number of waiting items of at least 0") } ?? 1
        let upTo = f["up_to"].flatMap { reader.integer($0, "\(path).up_to", atLeast: 1, atMost: 1_000_000, what: "a whole number of extra staff of at least 1") }
        guard let above, let below, let upTo else { return nil }
        // Called in above `above` waiting, sent back below `below`: the two overlap (someone
        // called in and sent back at once) only when below > above + 1.
        if below > above + 1 {
            reader.error(f["below"] ?? node, "\(path).below", "expected 'below' (\(below)) at most 'above' + 1 (\(above + 1)): people would be called in and sent back at once")
            return nil
        }
        return CallIn(above: above, below: below, upTo: upTo)
    }
}

extension ModelBuilder {
    /// The attributes the demand types declare, read ahead of the journeys (whose conditions
    /// name them): numeric ones, and categories with the union of their names.
    mutating func collectAttributes(_ demandNode: Node?) -> [Attribute] {
        var out: [Attribute] = []
        for (_, value) in demandNode?.mapping ?? Node.Mapping([]) {
            guard let attrs = value.mapping?["attributes"]?.mapping else { continue }
            for (k, v) in attrs {
                guard let name = k.scalar?.string else { continue }
                let categories = v.mapping?["shares"]?.mapping?.keys.compactMap { $0.scalar?.string } ?? []
                if let i = out.firstIndex(where: { $0.name == name }) {
                    for c in categories where !out[i].categories.contains(c) { out[i].categories.append(c) }
                } else {
                    out.append(Attribute(name: name, categories: categories))
                }
            }
        }
        return out
    }

    /// A condition written in the file, with problems located at their character.
    mutating func condition(_ node: Node, _ path: String) -> Condition? {
        guard case .scalar(let s) = node, !s.string.isEmpty else {
            reader.error(node, path, "expected a condition such as 'value > 5000' or 'segment == key', found \(NodeReader.describe(node))")
            return nil
        }
        do {
            return try ConditionParser.parse(s.string, attributes: attributes)
        } catch {
            let quoted = s.style == .singleQuoted || s.style == .doubleQuoted
            if let mark = node.mark, !s.string.contains("\n") {
                let source = reader.files[Composition.fileIndex(of: node)]
                reader.report(.error, file: source.path, line: mark.line, column: mark.column + error.offset + (quoted ? 1 : 0),
                              source: mark.line <= source.lines.count ? String(source.lines[mark.line - 1]) : nil, path: path, error.message)
            } else {
                reader.error(node, path, error.message)
            }
            return nil
        }
    }

    /// `attributes: {value: {dist: lognormal, mean: 2000, cv: 1}, segment: {shares: {key: 20%, regular: 80%}}}`.
    mutating func attributeDraws(_ node: Node, _ path: String) -> [AttributeDraw] {
        guard case .mapping(let m) = node else {
            reader.error(node, path, "expected attributes by name, such as '{value: {dist: lognormal, mean: 2000, cv: 1}}', found \(NodeReader.describe(node))")
            return []
        }
        var out: [AttributeDraw] = []
        for (k, v) in NodeReader.mergingKeys(m) {
            let name = NodeReader.scalarText(k)
            guard let a = attributes.firstIndex(where: { $0.name == name }) else { continue }
            let p = "\(path).\(name)"
            if let shares = v.mapping?["shares"] {
                guard let f = reader.mapping(v, p, allowed: ["shares"], what: "a category with shares such as '{shares: {key: 20%, regular: 80%}}'"), f["shares"] != nil,
                      case .mapping(let sm) = shares, !sm.isEmpty else {
                    reader.error(shares, "\(p).shares", "expected categories with their shares, such as '{key: 20%, regular: 80%}', found \(NodeReader.describe(shares))")
                    continue
                }
                var indices: [Int] = [], cumulative: [Double] = []
                var total = 0.0
                var ok = true
                for (ck, cv) in sm {
                    let category = NodeReader.scalarText(ck)
                    guard ck.scalar != nil, !category.isEmpty, attributes[a].categories.contains(category) else {
                        reader.error(ck, "\(p).shares", "expected a category name as key, found \(NodeReader.describe(ck))")
                        ok = false
                        continue
                    }
                    guard let share = reader.probability(cv, "\(p).shares.\(category)") else { ok = false; continue }
                    total += share
                    indices.append(attributes[a].categories.firstIndex(of: category)!)
                    cumulative.append(total)
                }
                guard ok else { continue }
                guard abs(total - 1) <= Self.sumTolerance else {
                    reader.error(shares, "\(p).shares", "the shares add up to \(Self.percent(total)); they must add up to 100%")
                    continue
                }
                out.append(AttributeDraw(attribute: a, source: .category(indices: indices, cumulative: cumulative.map { $0 / total })))
            } else if let d = distribution(v, p, numbers: true) {
                out.append(AttributeDraw(attribute: a, source: .number(d)))
            }
        }
        return out
    }

    /// `priority: 2`, or rules `[{when: "segment == key", priority: 2}, {priority: 0}]`.
    mutating func priorityRules(_ node: Node, _ path: String) -> (Int, [PriorityRule]) {
        guard case .sequence(let list) = node else {
            return (reader.integer(node, path, atLeast: Int(Int32.min), what: "a whole number (higher is served first), or rules '- {when: \"segment == key\", priority: 2}'") ?? 0, [])
        }
        var rules: [PriorityRule] = []
        for (i, item) in list.enumerated() {
            guard let f = reader.mapping(item, "\(path)[\(i)]", allowed: ["when", "priority"], required: ["priority"], what: "a rule such as '{when: \"segment == key\", priority: 2}'") else { continue }
            let c = f["when"].flatMap { condition($0, "\(path)[\(i)].when") }
            if f["when"] != nil && c == nil { continue }
            guard let p = f["priority"].flatMap({ reader.integer($0, "\(path)[\(i)].priority", atLeast: Int(Int32.min), what: "a whole number (higher is served first)") }) else { continue }
            rules.append(PriorityRule(condition: c, priority: p))
        }
        if let last = rules.last, last.condition != nil {
            rules.append(PriorityRule(condition: nil, priority: 0))
        }
        return (rules.last?.priority ?? 0, rules)
    }
}

extension ModelBuilder {
    /// Conditional branches have no probabilities of their own; the traffic equations (offered
    /// load, stability) need them. They are estimated from 4,000 draws of the attributes of the
    /// first demand type taking the journey, with a fixed key: the figures stay reproducible.
    static func estimateConditionalBranches(_ model: inout Model) {
        let draws = 4000
        for j in model.journeys.indices {
            guard let demand = model.demands.first(where: { $0.journey == j }) else { continue }
            for s in model.journeys[j].steps.indices where model.journeys[j].steps[s].routes.contains(where: { $0.condition != nil }) {
                var counts = [Int](repeating: 0, count: model.journeys[j].steps[s].routes.count)
                for k in 0..<draws {
                    var values = [Double](repeating: .nan, count: model.attributes.count)
                    for draw in demand.attributes {
                        var stream = RandomStream(key: StreamKeying.drawKey(item: UInt64(k), step: StreamKeying.hash(model.attributes[draw.attribute].name), visit: 0, purpose: .attribute))
                        values[draw.attribute] = draw.source.sample(&stream)
                    }
                    let routes = model.journeys[j].steps[s].routes
                    let taken = routes.firstIndex { $0.condition.map { c in c.holds { values[$0] } } ?? true } ?? routes.count - 1
                    counts[taken] += 1
                }
                for r in counts.indices { model.journeys[j].steps[s].routes[r].probability = Double(counts[r]) / Double(draws) }
            }
        }
    }
}
