import SimModel

/// Parses expectations (`p95(lead_time) <= 5d`) and expressions (`rate(complaints) / rate(orders)`)
/// against a model's names. The grammar is in docs/expressions.md.
///
/// Names, scopes and dimensions are all checked here, so a parsed expression can be evaluated on
/// any replication of the model without further checks, and every mistake is reported with its
/// character offset before anything runs.
public enum ExpressionParser {
    /// An expression, a comparison and a threshold, such as `on_time >= 95%`.
    public static func expectation(_ text: String, in context: ExpressionContext) throws(ExpressionError) -> Expectation {
        var parser = try Parser(text, context)
        return try parser.expectation()
    }

    /// An expression without a comparison, such as a `--target` to minimise.
    public static func expression(_ text: String, in context: ExpressionContext) throws(ExpressionError) -> MetricExpression {
        var parser = try Parser(text, context)
        return try parser.wholeExpression().expression
    }
}

/// Duration units in seconds: the scenario file's table (`m` is minutes: months vary in length
/// and are no unit).
enum Units {
    static var seconds: [String: Double] { Names.durationUnits }

    static func seconds(_ unit: String) -> Double? { seconds[unit.lowercased()] }

    /// The long spellings, for suggestions (a one-letter slip is not worth a guess).
    static let spellings = ["sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "hr", "hrs",
                            "hour", "hours", "day", "days", "wk", "week", "weeks"]
}

/// A recursive-descent parser over the token list: one method per grammar rule.
/// Limits shared by every small language procsim reads (expressions, and the conditions of
/// branches in SimScenario), so that both refuse the same depth with the same number.
public enum ExpressionLimits {
    /// The deepest nesting of parentheses and prefix operators (`-`, `not`), and the highest
    /// expression tree, accepted. Parsing and evaluation recurse: a chain of 10⁵ prefix
    /// operators must be an error, not a stack overflow. Real expressions are a few levels deep.
    public static let maxDepth = 100
}

struct Parser {
    /// An expression with what the checks need: its dimension and its place in the text.
    struct Typed {
        var expression: MetricExpression
        var dimension: Dimension
        var start: Int
        var end: Int
        /// The height of the expression tree, bounded so that evaluating it cannot exhaust the stack.
        var depth = 1
    }

    /// The deepest expression tree, and the deepest nesting of parentheses and signs, accepted.
    /// Both parsing and evaluation recurse; text from a file or the command line must not be able
    /// to overflow the stack (an error, not a crash). Real expressions are a few levels deep.
    static let maxDepth = ExpressionLimits.maxDepth

    /// A literal value in SI units and its place in the text.
    struct Quantity {
        var value: Double
        var dimension: Dimension
        var start: Int
        var end: Int

        var typed: Typed { Typed(expression: .constant(value, dimension), dimension: dimension, start: start, end: end) }
    }

    /// `key: value` or a positional `value` inside a call.
    struct Argument {
        var key: Token?
        var value: Token
        var start: Int { (key ?? value).start }
    }

    let text: [Character]
    let tokens: [Token]
    let context: ExpressionContext
    var position = 0
    /// The current nesting of parentheses and unary minus signs.
    var nesting = 0

    init(_ source: String, _ context: ExpressionContext) throws(ExpressionError) {
        text = Array(source)
        tokens = try Tokenizer.tokens(text)
        self.context = context
    }

    // MARK: - Rules

    /// expectation = expression comparator threshold
    mutating func expectation() throws(ExpressionError) -> Expectation {
        if current.kind == .end {
            throw ExpressionError(offset: 0, message: "the expectation is empty; expected a comparison such as 'p95(lead_time) <= 5d'")
        }
        let left = try sum()
        let op = current
        guard case .symbol(let symbol) = op.kind, let comparator = Comparator(rawValue: symbol) else {
            throw missingComparator(op)
        }
        advance()
        let right = try threshold(after: symbol)
        let value = right.value, dimension = right.dimension
        guard DimensionRules.comparable(left.dimension, with: dimension) else {
            throw ExpressionError(
                offset: right.start,
                message: "\(source(left)) is \(DimensionRules.noun(left.dimension)); \(DimensionRules.comparisonHint(left.dimension)), found '\(source(right.start, right.end))'")
        }
        // `on_time >= 95` is a share written as a percentage without its sign; comparing would
        // silently never be met.
        if left.dimension == .fraction, dimension == .number, value > 1 {
            throw ExpressionError(
                offset: right.start,
                message: "\(source(left)) is a fraction from 0 to 1, found '\(source(right.start, right.end))'; write a percentage such as 95% or a fraction such as 0.95")
        }
        // A share beyond 100% (or below 0) can never be reached, or is always met: a typo.
        if left.dimension == .fraction, value > 1 || value < 0 {
            throw ExpressionError(
                offset: right.start,
                message: "\(source(left)) is a share from 0% to 100%, found '\(source(right.start, right.end))'")
        }
        guard current.kind == .end else {
            throw ExpressionError(offset: current.start, message: current.isSymbol(")") ? "unexpected ')'" : "unexpected \(found(current)) after the threshold")
        }
        return Expectation(source: String(text), expression: left.expression, comparator: comparator, threshold: value, dimension: left.dimension)
    }

    /// An expression that must use up the whole text.
    mutating func wholeExpression() throws(ExpressionError) -> Typed {
        if current.kind == .end {
            throw ExpressionError(offset: 0, message: "the expression is empty; expected a metric such as p95(lead_time)")
        }
        let typed = try sum()
        guard current.kind == .end else {
            throw ExpressionError(offset: current.start, message: current.isSymbol(")") ? "unexpected ')'" : "unexpected \(found(current)) after the expression")
        }
        return typed
    }

    /// sum = product { ("+" | "-") product }
    mutating func sum() throws(ExpressionError) -> Typed {
        var left = try product()
        while let (op, token) = take([.add, .subtract]) {
            left = try combine(op, token, left, try product())
        }
        return left
    }

    /// product = unary { ("*" | "/") unary }
    mutating func product() throws(ExpressionError) -> Typed {
        var left = try unary()
        while let (op, token) = take([.multiply, .divide]) {
            left = try combine(op, token, left, try unary())
        }
        return left
    }

    /// unary = "-" unary | primary
    mutating func unary() throws(ExpressionError) -> Typed {
        guard current.isSymbol("-") else { return try primary() }
        let minus = advance()
        try enter(at: minus)
        defer { nesting -= 1 }
        let operand = try unary()
        let negated: MetricExpression
        if case .constant(let value, let d) = operand.expression {
            negated = .constant(-value, d)
        } else {
            negated = .binary(.multiply, .constant(-1, .number), operand.expression)
        }
        return Typed(expression: negated, dimension: operand.dimension, start: minus.start, end: operand.end, depth: operand.depth + 1)
    }

    /// primary = quantity | call | metric | "(" sum ")"
    mutating func primary() throws(ExpressionError) -> Typed {
        let token = current
        switch token.kind {
        case .number(let value):
            return try quantity(value).typed
        case .name(let name, _):
            advance()
            return current.isSymbol("(") ? try call(name, token) : try bare(name, token)
        case .symbol("("):
            advance()
            try enter(at: token)
            defer { nesting -= 1 }
            let inner = try sum()
            guard current.isSymbol(")") else {
                throw ExpressionError(offset: current.start, message: "expected ')' to close '(', found \(found(current))")
            }
            let close = advance()
            return Typed(expression: inner.expression, dimension: inner.dimension, start: token.start, end: close.end, depth: inner.depth)
        case .symbol(")"):
            throw ExpressionError(offset: token.start, message: "unexpected ')'")
        default:
            throw ExpressionError(
                offset: token.start,
                message: "expected a metric such as p95(lead_time) or a value such as 5d, found \(found(token))")
        }
    }

    /// threshold = ["-"] quantity: the right side of a comparison is a value, never a metric.
    mutating func threshold(after comparator: String) throws(ExpressionError) -> Quantity {
        var minus: Token?
        if current.isSymbol("-") { minus = advance() }
        guard case .number(let value) = current.kind else {
            throw ExpressionError(
                offset: current.start,
                message: "expected a value such as 5d, 95%, 20/day or 12 after '\(comparator)', found \(found(current))")
        }
        var q = try quantity(value)
        if let minus {
            q.value = -q.value
            q.start = minus.start
        }
        return q
    }

    /// quantity = number [ unit { number unit } | "%" | "/" unit ]
    ///
    /// `1h30m` and `1h 30m` are one duration; `20/day` is one rate, read here rather than as a
    /// division so that it has the dimension of a rate and not of "number per duration".
    mutating func quantity(_ value: Double) throws(ExpressionError) -> Quantity {
        let first = advance()
        if let seconds = try unit(after: first) {
            var total = value * seconds, end = tokens[position - 1].end
            while case .number(let more) = current.kind, let s = Units.seconds(peek(1).unitText ?? "") {
                advance()
                end = advance().end
                total += more * s
            }
            return Quantity(value: total, dimension: .duration, start: first.start, end: end)
        }
        if current.isSymbol("%") {
            let percent = advance()
            return Quantity(value: value / 100, dimension: .fraction, start: first.start, end: percent.end)
        }
        if current.isSymbol("/"), let period = peek(1).bareName, !peek(2).isSymbol("("), MetricCatalog.metric(period) == nil {
            if let seconds = Units.seconds(period) {
                advance()
                let end = advance().end
                return Quantity(value: value / seconds, dimension: .rate, start: first.start, end: end)
            }
            if period.count >= 3, let near = Suggestion.nearest(period, among: Units.spellings) {
                throw ExpressionError(offset: peek(1).start, message: "unknown period '\(period)'; did you mean '\(near)'?")
            }
        }
        return Quantity(value: value, dimension: .number, start: first.start, end: first.end)
    }

    /// The seconds of the unit after a number, consuming it: glued (`5d`) or spaced (`2 days`).
    /// Glued letters must be a unit; a spaced name that is not one is left for the caller.
    mutating func unit(after number: Token) throws(ExpressionError) -> Double? {
        if case .unit(let u) = current.kind {
            guard let seconds = Units.seconds(u) else {
                let literal = source(number.start, current.end)
                if u.count >= 3, let near = Suggestion.nearest(u, among: Units.spellings) {
                    throw ExpressionError(offset: current.start, message: "unknown unit '\(u)' in '\(literal)'; did you mean '\(near)'?")
                }
                throw ExpressionError(
                    offset: current.start,
                    message: "unknown unit '\(u)' in '\(literal)'; expected a duration unit (s, m, h, d, w), '%' or a rate such as 20/day")
            }
            advance()
            return seconds
        }
        if let name = current.bareName, let seconds = Units.seconds(name) {
            advance()
            return seconds
        }
        return nil
    }

    // MARK: - Metrics

    /// call = name "(" [ argument { "," argument } ] ")"
    mutating func call(_ name: String, _ nameToken: Token) throws(ExpressionError) -> Typed {
        advance()  // "("
        let args = try arguments(of: name)
        let close = tokens[position - 1]
        func typed(_ e: MetricExpression, _ d: Dimension) -> Typed { Typed(expression: e, dimension: d, start: nameToken.start, end: close.end) }

        if MetricCatalog.statistics.contains(name) {
            let info = try metricArgument(args, of: name, close: close, among: MetricCatalog.metrics.filter { $0.statistics.contains(name) }.map(\.name))
            guard info.statistics.contains(name) else {
                if info.statistics.isEmpty {
                    throw ExpressionError(
                        offset: nameToken.start,
                        message: "\(info.name) is one figure per replication, not a distribution; write \(usage(info, nil)) without \(name)")
                }
                throw ExpressionError(
                    offset: nameToken.start,
                    message: "\(name) of \(info.name) is not measured; use \(Suggestion.alternatives(info.statistics))")
            }
            let scope = try scope(of: info, statistic: name, args.dropFirst(), close: close)
            return typed(.metric(MetricReference(name: info.field(name), scope: scope, dimension: info.dimension)), info.dimension)
        }
        if name == "rate" {
            // `rate(orders)` is the arrival rate of a demand type: the figure the JSON names `arrival_rate`.
            let info = MetricInfo(name: "rate", dimension: .rate, scopes: [.demand], natural: .demand, statistics: [])
            let scope = try scope(of: info, statistic: nil, args[...], close: close)
            return typed(.metric(MetricReference(name: "arrival_rate", scope: scope, dimension: .rate)), .rate)
        }
        if name == "share" {
            let info = try metricArgument(args, of: name, close: close, among: MetricCatalog.shareable)
            guard MetricCatalog.shareable.contains(info.name) else {
                let message = info.dimension == .fraction
                    ? "\(info.name) is already a share; write \(usage(info, nil))"
                    : "share(\(info.name)) is not defined; share applies to \(Suggestion.alternatives(MetricCatalog.shareable.map { "'\($0)'" })), as a part of arrivals"
                throw ExpressionError(offset: args[0].value.start, message: message)
            }
            let shareInfo = MetricInfo(name: "share(\(info.name))", dimension: .number, scopes: [.system, .demand], natural: .demand, statistics: [])
            let scope = try scope(of: shareInfo, statistic: nil, args.dropFirst(), close: close)
            let part = MetricReference(name: info.name, scope: scope, dimension: .count)
            let whole = MetricReference(name: "arrivals", scope: scope, dimension: .count)
            return typed(.binary(.divide, .metric(part), .metric(whole)), .number)
        }
        if let info = MetricCatalog.metric(name) {
            guard !info.isDistribution else {
                throw ExpressionError(offset: nameToken.start, message: distributionMessage(info))
            }
            let scope = try scope(of: info, statistic: nil, args[...], close: close)
            return typed(.metric(MetricReference(name: info.field(nil), scope: scope, dimension: info.dimension)), info.dimension)
        }
        throw ExpressionError(offset: nameToken.start, message: Suggestion.unknown("function", name, among: MetricCatalog.functions))
    }

    /// A metric name written without parentheses: a system-wide figure such as `on_time`.
    func bare(_ name: String, _ token: Token) throws(ExpressionError) -> Typed {
        if let info = MetricCatalog.metric(name) {
            if info.isDistribution {
                throw ExpressionError(offset: token.start, message: distributionMessage(info))
            }
            guard info.scopes.contains(.system) else {
                throw ExpressionError(offset: token.start, message: missingScopeMessage(info, nil))
            }
            let reference = MetricReference(name: name, scope: .system, dimension: info.dimension)
            return Typed(expression: .metric(reference), dimension: info.dimension, start: token.start, end: token.end)
        }
        if MetricCatalog.functions.contains(name) {
            let example = name == "rate" ? "rate(\(spell(context.example(.demand))))" : name == "share" ? "share(cancelled)" : "\(name)(lead_time)"
            throw ExpressionError(offset: current.start, message: "expected '(' after '\(name)', such as \(example), found \(found(current))")
        }
        if name.contains("-"), name.split(separator: "-").allSatisfy({ MetricCatalog.metric(String($0)) != nil }) {
            throw ExpressionError(offset: token.start, message: "unknown metric '\(name)'; put spaces around '-' to subtract")
        }
        throw ExpressionError(offset: token.start, message: Suggestion.unknown("metric", name, among: MetricCatalog.metrics.map(\.name)))
    }

    /// The metric named by a call's first, positional argument (`mean(wait, …)`, `share(cancelled)`).
    func metricArgument(_ args: [Argument], of function: String, close: Token, among candidates: [String]) throws(ExpressionError) -> MetricInfo {
        guard let first = args.first, first.key == nil else {
            let at = args.first?.start ?? close.start
            let what = args.first.map { "'\(source($0.start, $0.value.end))'" } ?? "')'"
            throw ExpressionError(offset: at, message: "expected a metric as the first argument of \(function), such as \(function)(\(candidates[0])), found \(what)")
        }
        let name = first.value.name ?? ""
        guard let info = MetricCatalog.metric(name) else {
            throw ExpressionError(offset: first.value.start, message: Suggestion.unknown("metric", name, among: candidates))
        }
        return info
    }

    /// The scope given by a call's arguments after the metric: none (the system), a positional
    /// name (the metric's natural scope), or `demand:`, `area:` or `step:` with a name.
    func scope(of info: MetricInfo, statistic: String?, _ args: ArraySlice<Argument>, close: Token) throws(ExpressionError) -> MetricScope {
        guard let arg = args.first else {
            if info.scopes.contains(.system) { return .system }
            throw ExpressionError(offset: close.start, message: missingScopeMessage(info, statistic))
        }
        if args.count > 1 {
            let second = args[args.startIndex + 1]
            throw ExpressionError(
                offset: second.start,
                message: "a figure takes one scope (demand, area or step), found a second: '\(source(second.start, second.value.end))'")
        }
        let kind: ScopeKind
        if let key = arg.key {
            let keyName = key.name ?? ""
            guard let k = ScopeKind.keys.first(where: { $0.rawValue == keyName }) else {
                throw ExpressionError(offset: key.start, message: Suggestion.unknown("scope", keyName, among: ScopeKind.keys.map(\.rawValue)))
            }
            kind = k
        } else {
            guard let natural = info.natural else {
                throw ExpressionError(offset: arg.start, message: "\(info.name) is measured for the system only; it takes no scope")
            }
            kind = natural
        }
        guard info.scopes.contains(kind) else {
            throw ExpressionError(offset: arg.start, message: "\(info.name) is not measured per \(kind.noun); it is measured \(info.scopePhrase)")
        }
        let name = arg.value.name ?? ""
        if arg.key == nil, context.lookup(kind, name) == nil,
           let other = info.scopes.first(where: { $0 != kind && $0 != .system && context.lookup($0, name) != nil }) {
            // `turned_away(logistics)`: a positional name means a demand type, but this is an area.
            throw ExpressionError(
                offset: arg.start,
                message: "'\(name)' is \(other == .area ? "an" : "a") \(other.noun), not a \(kind.noun); write \(other.rawValue): \(spell(name))")
        }
        return try context.resolve(kind, name, at: arg.value.start)
    }

    /// arguments = argument { "," argument } ")"; argument = [name ":"] name
    mutating func arguments(of function: String) throws(ExpressionError) -> [Argument] {
        var args: [Argument] = []
        if current.isSymbol(")") { advance(); return args }
        while true {
            let first = try argumentName(after: nil, in: function)
            if current.isSymbol(":") {
                advance()
                args.append(Argument(key: first, value: try argumentName(after: first, in: function)))
            } else {
                args.append(Argument(key: nil, value: first))
            }
            if current.isSymbol(",") { advance(); continue }
            if current.isSymbol(")") { advance(); return args }
            throw ExpressionError(offset: current.start, message: "expected ',' or ')' in the arguments of \(function), found \(found(current))")
        }
    }

    mutating func argumentName(after key: Token?, in function: String) throws(ExpressionError) -> Token {
        let token = current
        guard token.name != nil else {
            let place = key.map { "after '\($0.name ?? ""):'" } ?? "in the arguments of \(function)"
            var message = "expected a name \(place), found \(found(token))"
            if case .number = token.kind { message += "; quote a name that starts with a digit, such as '2nd-check'" }
            throw ExpressionError(offset: token.start, message: message)
        }
        advance()
        return token
    }

    // MARK: - Checks and messages

    /// Builds `left op right` when the dimensions combine, else says which sides clash.
    func combine(_ op: Operator, _ token: Token, _ left: Typed, _ right: Typed) throws(ExpressionError) -> Typed {
        guard let d = DimensionRules.combine(op, left.dimension, right.dimension) else {
            let l = "\(source(left)), \(DimensionRules.noun(left.dimension))"
            let r = "\(source(right)), \(DimensionRules.noun(right.dimension))"
            let message: String
            switch op {
            case .add, .subtract:
                message = "'\(op.rawValue)' needs both sides of one dimension, found \(l), and \(r)"
            case .multiply:
                message = "cannot multiply \(l), by \(r); multiply by a plain number or a fraction, or a rate by a duration"
            case .divide:
                message = "cannot divide \(l), by \(r); divide like by like, by a plain number or a fraction, or a count by a duration or a rate"
            }
            throw ExpressionError(offset: token.start, message: message)
        }
        let depth = max(left.depth, right.depth) + 1
        if depth > Parser.maxDepth { throw tooDeep(token) }
        return Typed(expression: .binary(op, left.expression, right.expression), dimension: d, start: left.start, end: right.end, depth: depth)
    }

    mutating func enter(at token: Token) throws(ExpressionError) {
        nesting += 1
        if nesting > Parser.maxDepth { throw tooDeep(token) }
    }

    func tooDeep(_ token: Token) -> ExpressionError {
        ExpressionError(offset: token.start, message: "the expression is nested too deeply; expected at most \(Parser.maxDepth) levels of operators and parentheses")
    }

    func missingComparator(_ token: Token) -> ExpressionError {
        let message: String
        switch token.kind {
        case .end: message = "expected a comparison (<=, <, >=, >) after the expression"
        case .symbol(")"): message = "unexpected ')'"
        case .symbol("="), .symbol("=="), .symbol("!="): message = "\(found(token)) is not a comparison; expected <=, <, >= or >"
        default: message = "expected a comparison (<=, <, >=, >) after the expression, found \(found(token))"
        }
        return ExpressionError(offset: token.start, message: message)
    }

    func distributionMessage(_ info: MetricInfo) -> String {
        if info.statistics == ["mean"] { return "\(info.name) is a time average; write \(usage(info, "mean"))" }
        let other = info.statistics.contains("p95") ? "p95" : "max"
        return "\(info.name) is a distribution; write a statistic of it, such as \(usage(info, "mean")) or \(usage(info, other))"
    }

    func missingScopeMessage(_ info: MetricInfo, _ statistic: String?) -> String {
        let kind = info.natural ?? .area
        return "\(info.name) is measured per \(kind.noun); name one, such as \(usage(info, statistic))"
    }

    /// How to write a metric, with an example scope from the model when it needs one:
    /// `p95(lead_time)`, `mean(wait, step: pick)`, `utilisation(logistics)`.
    func usage(_ info: MetricInfo, _ statistic: String?) -> String {
        let needsScope = !info.scopes.contains(.system)
        let kind = info.natural ?? .system
        if let statistic {
            return needsScope ? "\(statistic)(\(info.name), \(kind.rawValue): \(spell(context.example(kind))))" : "\(statistic)(\(info.name))"
        }
        return needsScope ? "\(info.name)(\(spell(context.example(kind))))" : info.name
    }

    /// A model name as it must be written: bare when it reads as one name, else quoted.
    func spell(_ name: String) -> String {
        let tokens = try? Tokenizer.tokens(Array(name))
        if let tokens, tokens.count == 2, tokens[0].bareName == name { return name }
        return "'\(name)'"
    }

    // MARK: - Tokens

    var current: Token { tokens[position] }

    func peek(_ ahead: Int) -> Token { tokens[min(position + ahead, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    /// The operator at the current token, consumed, if it is one of `ops`.
    mutating func take(_ ops: [Operator]) -> (Operator, Token)? {
        guard case .symbol(let s) = current.kind, let op = Operator(rawValue: s), ops.contains(op) else { return nil }
        return (op, advance())
    }

    func source(_ typed: Typed) -> String { source(typed.start, typed.end) }

    func source(_ start: Int, _ end: Int) -> String { String(text[start..<end]) }

    /// How a token is named after "found": its text in quotes (a number with its glued unit, as
    /// written: '5d'), or "end of text".
    func found(_ token: Token) -> String {
        if token.kind == .end { return "end of text" }
        var end = token.end
        if case .number = token.kind, let next = tokens.first(where: { $0.start == token.end }), case .unit = next.kind {
            end = next.end
        }
        return "'\(source(token.start, end))'"
    }
}

extension Token {
    /// The letters of a unit, glued (`5d`) or spaced (`2 days`).
    var unitText: String? {
        switch kind {
        case .unit(let u): return u
        case .name(let n, quoted: false): return n
        default: return nil
        }
    }
}
