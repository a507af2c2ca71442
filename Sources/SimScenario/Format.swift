/// The scenario format as data: every key, what it holds, whether it is required, its default
/// and what it means.
///
/// One definition serves three readers: the loader takes its lists of allowed keys from here
/// (so an unknown key is an error exactly where the schema says so), `procsim schema` turns it
/// into a JSON Schema for editors, and the format reference is generated from it. A key added to
/// the loader without being described here is unknown to all three.
public enum Format {
    /// What a value holds.
    public indirect enum Shape: Sendable {
        case object([Key])
        /// A mapping from user-chosen names (areas, demand types) to definitions.
        case named(Shape)
        case list(Shape)
        /// A mapping from free keys (weekdays, time spans, dotted paths) to values.
        case table(key: String, value: Shape)
        case text
        case integer(minimum: Int)
        case boolean
        case number
        case duration
        case rate
        case fraction
        /// A local date or a date and time, or a duration after the start.
        case instant
        case choice([String])
        case anyOf([Shape])
        /// `{dist: NAME, …}` or a bare duration.
        case distribution
        /// Anything: a value checked by the key's own rules.
        case value
    }

    public struct Key: Sendable {
        public var name: String
        public var shape: Shape
        public var required: Bool
        /// The default when absent, as the reference shows it.
        public var defaultText: String?
        public var doc: String

        init(_ name: String, _ shape: Shape, required: Bool = false, default defaultText: String? = nil, _ doc: String) {
            self.name = name
            self.shape = shape
            self.required = required
            self.defaultText = defaultText
            self.doc = doc
        }
    }

    static let weekdaysHelp = "weekdays such as mon-fri, sat, sat,sun, weekdays, weekends, daily"

    public static let calendar: [Key] = [
        Key("hours", .table(key: weekdaysHelp, value: .anyOf([.text, .list(.text)])), required: true,
            "Working hours by weekday: `mon-fri: [09:00-12:30, 13:30-18:00]`, `sat: 09:00-13:00`, `sun: closed`. A span ending before it starts runs past midnight (`22:00-06:00`). Weekdays not listed are closed."),
        Key("holidays", .list(.text), default: "none", "Closed dates, `2026-12-25`, or ranges, `2026-12-24..2026-12-31`."),
        Key("description", .text, "Free text."),
    ]

    public static let shift: [Key] = [
        Key("name", .text, "A label for reports and variants."),
        Key("staff", .integer(minimum: 0), required: true, "People on duty during this shift, in addition to the area's base staff (0: the shift is planned but empty, as `plan` may decide)."),
        Key("calendar", .text, default: "the area's calendar", "The hours of this shift (a name under `calendars`)."),
        Key("from", .instant, default: "the start", "When the shift starts to exist: `30d` after the start, or a date."),
        Key("until", .instant, default: "the horizon", "When it ends."),
    ]

    public static let callIn: [Key] = [
        Key("above", .integer(minimum: 0), required: true, "Call in one more person when more than this many items wait."),
        Key("below", .integer(minimum: 0), default: "1", "Send an idle extra person back when fewer than this many wait."),
        Key("up_to", .integer(minimum: 1), required: true, "The most extra people called in at once."),
    ]

    public static let system: [Key] = [
        Key("up", .distribution, required: true, "Time between a repair and the next breakdown (elapsed)."),
        Key("down", .distribution, required: true, "Time to repair (elapsed)."),
        Key("description", .text, "Free text."),
    ]

    public static let area: [Key] = [
        Key("staff", .anyOf([.integer(minimum: 1), .choice(["unlimited"])]), required: true, "People who work in the area, or `unlimited` for a pure delay (transit)."),
        Key("calendar", .text, default: "around the clock", "When the staff work (a name under `calendars`). Work in progress pauses outside these hours; no new work starts."),
        Key("shifts", .list(.object(shift)), default: "none", "More staff at other hours or from a date: a second shift, a hire."),
        Key("queue_limit", .integer(minimum: 0), default: "unlimited", "Most items that may wait; an item that finds the queue full is turned away."),
        Key("needs", .anyOf([.text, .list(.text)]), default: "none", "Systems the area needs (names under `systems`): while one is down, nobody in the area works; work in progress resumes after the repair."),
        Key("call_in", .object(callIn), default: "none", "A state-dependent rule: call in extra staff while the queue is long, send them back when it is short."),
        Key("setup", .distribution, default: "none", "Extra work when the area starts an item of another demand type than the one it started last."),
        Key("cost", .text, default: "none", "What one person costs per period, such as `3200/month` (hour, day, week, month = a twelfth of 365.25 days, year); paid for every person employed (base staff all the time, a shift's staff from its `from` to its `until`), whatever their hours. `plan` minimises it."),
        Key("description", .text, "Free text."),
    ]

    public static let promise: [Key] = [
        Key("lead_time", .duration, required: true, "The promised lead time. On the business clock, `d` means working days of the promise's calendar."),
        Key("clock", .choice(["elapsed", "business"]), default: "elapsed", "Which clock the promise is measured on."),
        Key("calendar", .text, default: "the demand type's calendar, else Mon–Fri 09:00–17:00", "The business calendar of the promise."),
    ]

    public static let pattern: [Key] = [
        Key("hours", .table(key: "a time span such as 09:00-12:00", value: .anyOf([.number, .fraction])), default: "flat", "Relative weights of the times of day; times not listed get no arrivals."),
        Key("weekdays", .table(key: weekdaysHelp, value: .anyOf([.number, .fraction])), default: "flat", "Relative weights of the weekdays; days not listed get no arrivals."),
    ]

    public static let priorityRule: [Key] = [
        Key("when", .text, "A condition on the item's attributes; the first rule that holds gives the priority."),
        Key("priority", .integer(minimum: Int(Int32.min)), required: true, "The priority when the condition holds (or, without `when`, otherwise)."),
    ]

    public static let categoryShares: [Key] = [
        Key("shares", .table(key: "a category name", value: .fraction), required: true, "Each category's share; they add up to 100%."),
    ]

    public static let demand: [Key] = [
        Key("rate", .rate, "Poisson arrivals at this mean rate (`40/day`); with a pattern, the weekly mean. Without `rate`, `interarrival` or `arrivals`, items of this type are only created by other items (complaints)."),
        Key("interarrival", .distribution, "Gaps between arrivals from a distribution (a renewal process), instead of `rate`."),
        Key("arrivals", .text, "A CSV file of arrival times (an order book to replay), instead of `rate`: a column `time` with local date-times or durations after the start, and optionally a column `demand`."),
        Key("pattern", .object(pattern), default: "flat", "How the rate varies by time of day and weekday."),
        Key("journey", .text, required: true, "The journey these requests take (a name under `journeys`)."),
        Key("priority", .anyOf([.integer(minimum: Int(Int32.min)), .list(.object(priorityRule))]), default: "0", "Higher classes are served first in every area; or rules by attribute: `[{when: \"segment == key\", priority: 2}, {priority: 0}]`."),
        Key("attributes", .named(.anyOf([.distribution, .object(categoryShares)])), default: "none", "What each item carries: numbers from a distribution of plain numbers (`value: {dist: lognormal, mean: 2000, cv: 1}`) or categories with shares (`segment: {shares: {key: 20%, regular: 80%}}`)."),
        Key("calendar", .text, default: "Mon–Fri 09:00–17:00", "The calendar business lead times are counted in."),
        Key("promise", .object(promise), default: "none", "The lead time promised to the customer; the on-time share is measured against it."),
        Key("max_arrivals", .integer(minimum: 1), default: "unlimited", "Stop after this many arrivals."),
        Key("patience", .distribution, default: "unlimited", "End-to-end patience: a customer still waiting in any queue this long after arriving gives up."),
        Key("late_contact", .object(contact), default: "none", "A late delivery (past the promise) makes the customer contact the business: an item of another demand type."),
        Key("description", .text, "Free text."),
    ]

    public static let campaign: [Key] = [
        Key("start", .instant, required: true, "When it starts: `10d` after the start, or a date."),
        Key("duration", .duration, "How long it lasts (or give `end`)."),
        Key("end", .instant, "When it ends (or give `duration`)."),
        Key("multiplier", .number, required: true, "Demand is multiplied by this during the campaign (`3` triples it)."),
        Key("demand", .anyOf([.text, .list(.text)]), default: "every demand type", "The demand types it affects."),
        Key("description", .text, "Free text."),
    ]

    public static let approval: [Key] = [
        Key("reject", .fraction, required: true, "Share of items rejected."),
        Key("on_reject", .text, required: true, "Where rejected items go: this or an earlier step (rework), or `cancel`."),
    ]

    public static let route: [Key] = [
        Key("to", .text, required: true, "A step name, `exit` or `cancel`."),
        Key("p", .fraction, "The branch's probability (branches without conditions)."),
        Key("when", .text, "A condition on the item's attributes (`value > 5000`, `segment == key`): the first branch whose condition holds is taken, the last branch (without `when`) otherwise."),
    ]

    public static let collect: [Key] = [
        Key("at", .anyOf([.text, .list(.text)]), "Times of day at which the pile is collected: `[10:00, 15:00]`."),
        Key("days", .text, default: "daily", "The weekdays on which it is collected: `mon-fri`."),
        Key("every", .duration, "Or an interval: collected every `4h` from the start."),
    ]

    public static let handoff: [Key] = [
        Key("delay", .distribution, "Time for the information to pass (elapsed), drawn per item."),
        Key("collect", .anyOf([.text, .list(.text), .object(collect)]), "Work waits to be collected at set times: `[10:00, 15:00]` every day, `{at: [09:00], days: mon-fri}`, or `{every: 4h}`."),
    ]

    public static let contact: [Key] = [
        Key("demand", .text, required: true, "The demand type of the new item (such as `complaints`); it needs no arrivals of its own."),
        Key("p", .fraction, default: "100%", "The share of cases that lead to the contact."),
        Key("delay", .distribution, required: true, "How long after the cause the customer gets in touch (elapsed)."),
    ]

    public static let failure: [Key] = [
        Key("p", .fraction, required: true, "The probability that the step's work fails (a delivery that does not arrive, a wrong invoice)."),
        Key("then", .text, default: "continue", "Where a failed item goes: this or another step (rework), `cancel`, or `continue` (on through the journey)."),
        Key("customer_told", .boolean, default: "true", "Whether the customer is told of the failure. If not, the `complaint` follows."),
        Key("complaint", .object(contact), "The contact an untold failure causes: an item of another demand type after a delay."),
    ]

    public static let step: [Key] = [
        Key("name", .text, required: true, "Unique within the journey."),
        Key("area", .anyOf([.text, .list(.text)]), required: true, "The area whose staff do the work; or a list (`[sales, warehouse]`): one person from each, seized together when all are free, in order of waiting, and released together."),
        Key("duration", .distribution, required: true, "The work itself, in working time of the area's calendar."),
        Key("approval", .object(approval), "The area approves or rejects the item after the work."),
        Key("next", .anyOf([.text, .list(.object(route))]), default: "the next step, or exit after the last", "Where the item goes after the step: a step, `exit`, `cancel`, or branches with probabilities."),
        Key("handoff", .object(handoff), default: "none", "How work reaches this step: a delay (information passing) and/or collection at set times (batching). Reported as `handoff`, apart from waiting and work."),
        Key("patience", .distribution, default: "unlimited", "How long a customer waits in this step's queue before giving up (abandoned, counted at this step)."),
        Key("failure", .object(failure), default: "none", "The work fails with a probability: rework, and whether the customer is told."),
        Key("description", .text, "Free text."),
    ]

    public static let journey: [Key] = [
        Key("steps", .list(.object(step)), required: true, "The steps in order."),
        Key("description", .text, "Free text."),
    ]

    public static let variant: [Key] = [
        Key("description", .text, "What the what-if changes."),
        Key("set", .table(key: "a dotted path such as areas.logistics.staff or journeys.order.steps.pick.duration", value: .value), "Values to replace or add."),
        Key("remove", .list(.text), "Paths to remove: a step (`journeys.order.steps.credit-check`), a campaign, a shift."),
        Key("add", .table(key: "a dotted path to a list, such as areas.warehouse.shifts", value: .value), "Items to append to lists (a shift, a step, a holiday)."),
    ]

    public static let top: [Key] = [
        Key("version", .choice(["1"]), required: true, "The format version: 1."),
        Key("extends", .text, "Another scenario file this one builds on (a path relative to this file). Its keys are merged under this file's: mappings key by key, lists replaced."),
        Key("name", .text, default: "the file name", "A title for reports."),
        Key("description", .text, "Free text."),
        Key("seed", .integer(minimum: 0), default: "1", "The seed, unless `--seed` is given."),
        Key("start", .text, default: "2024-01-01 00:00 (a Monday)", "The local date and time the simulation starts."),
        Key("timezone", .text, default: "UTC", "The IANA time zone of all dates and working hours (`Europe/Berlin`); its daylight-saving shifts apply."),
        Key("mode", .choice(["terminating", "steady-state"]), default: "steady-state with a warm-up, else terminating", "`terminating`: start empty and run to the horizon; `steady-state`: discard the warm-up."),
        Key("horizon", .duration, "How long each replication runs (elapsed time). Required unless every demand type sets `max_arrivals`."),
        Key("warmup", .duration, default: "0", "The initial period excluded from statistics (steady-state mode)."),
        Key("calendars", .named(.object(calendar)), "Named working calendars."),
        Key("areas", .named(.object(area)), required: true, "Where the work is done: staff, hours, queue limits."),
        Key("campaigns", .named(.object(campaign)), "Windows in which demand is multiplied."),
        Key("systems", .named(.object(system)), "Systems that break down at random (an ERP, a conveyor); areas name the ones they need."),
        Key("demand", .named(.object(demand)), required: true, "The kinds of request: how they arrive, their journey, their promise."),
        Key("journeys", .named(.object(journey)), required: true, "The steps each kind of request goes through."),
        Key("expect", .list(.anyOf([.text, .value])), "Expectations in the expression language, such as `p95(lead_time) <= 5d`; reported by `run`, enforced by `check`. A line such as `- mean(wait, step: pick) <= 4h` is read as written, although YAML sees a mapping in it."),
        Key("tolerances", .table(key: "a figure name as `check` reports it (`lead_time.p95`, `areas.NAME.queue.mean`, `steps.JOURNEY/STEP.wait.p95`); `*` matches any characters", value: .text), default: "times and counts 2%, shares 1pp",
            "How much worse than its baseline a figure may get before `check --baseline` counts it: `5%` of the baseline, `2pp` (percentage points, for shares), a duration (for times), a number (for counts), or `ignore`. `--tolerance` on the command line overrides."),
        Key("variants", .named(.object(variant)), "Named what-ifs, as changes to this scenario; run one with `--variant NAME`."),
    ]

    /// The parameters of each distribution, in the order the reference table lists them.
    public static let distributions: [(name: String, keys: [String])] = [
        ("exponential", ["mean"]), ("deterministic", ["value"]), ("uniform", ["min", "max"]),
        ("triangular", ["min", "mode", "max"]), ("normal", ["mean", "sd"]), ("lognormal", ["mean", "cv"]),
        ("gamma", ["mean", "cv"]), ("erlang", ["mean", "k"]), ("weibull", ["shape", "scale"]),
        ("hyperexponential", ["mean", "cv", "phases"]), ("empirical", ["values"]),
    ]

    static func names(_ keys: [Key]) -> [String] { keys.map(\.name) }
    static func required(_ keys: [Key]) -> [String] { keys.filter(\.required).map(\.name) }

    static let topKeys = names(top)
    static let calendarKeys = names(calendar)
    static let shiftKeys = names(shift)
    static let areaKeys = names(area)
    static let promiseKeys = names(promise)
    static let patternKeys = names(pattern)
    static let demandKeys = names(demand)
    static let campaignKeys = names(campaign)
    static let approvalKeys = names(approval)
    static let routeKeys = names(route)
    static let stepKeys = names(step)
    static let journeyKeys = names(journey)
    static let variantKeys = names(variant)
    static let handoffKeys = names(handoff)
    static let collectKeys = names(collect)
    static let failureKeys = names(failure)
    static let contactKeys = names(contact)
    static let callInKeys = names(callIn)
    static let systemKeys = names(system)
}
