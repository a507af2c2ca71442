import SimExpressions
import SimModel

/// A problem in a condition's text, at a character offset.
struct ConditionError: Error {
    var offset: Int
    var message: String
}

/// Reads conditions on item attributes: `value > 5000`, `segment == key`,
/// `segment in [key, gold] and not value < 100`. `and` binds tighter than `or`; parentheses group.
struct ConditionParser {
    enum Token: Equatable {
        case name(String), number(Double), op(String), open, close, openList, closeList, comma, end
    }

    let attributes: [Attribute]
    var tokens: [(token: Token, offset: Int)] = []
    var position = 0
    /// The current nesting of parentheses and `not`: parsing and evaluating recurse once per
    /// level, so it is bounded like the expression language's (`not not not …` 10⁵ times
    /// took over ten seconds and could exhaust the stack).
    var nesting = 0

    static func parse(_ text: String, attributes: [Attribute]) throws(ConditionError) -> Condition {
        var parser = ConditionParser(attributes: attributes)
        parser.tokens = try tokenize(text)
        let condition = try parser.disjunction()
        if parser.current.token != .end {
            throw ConditionError(offset: parser.current.offset, message: "expected 'and', 'or' or the end of the condition, found \(describe(parser.current.token))")
        }
        return condition
    }

    static func tokenize(_ text: String) throws(ConditionError) -> [(token: Token, offset: Int)] {
        let chars = Array(text)
        var out: [(Token, Int)] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" { i += 1; continue }
            let start = i
            switch c {
            case "(": out.append((.open, i)); i += 1
            case ")": out.append((.close, i)); i += 1
            case "[": out.append((.openList, i)); i += 1
            case "]": out.append((.closeList, i)); i += 1
            case ",": out.append((.comma, i)); i += 1
            case "<", ">", "=", "!":
                var op = String(c)
                if i + 1 < chars.count && chars[i + 1] == "=" { op.append("="); i += 1 }
                i += 1
                if op == "!" { throw ConditionError(offset: start, message: "expected '!=', found '!'") }
                out.append((.op(op == "=" ? "==" : op), start))
            default:
                if c.isNumber || c == "." || c == "-" {
                    var j = i + 1
                    while j < chars.count && (chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "E") { j += 1 }
                    guard let x = Double(String(chars[i..<j])) else {
                        throw ConditionError(offset: start, message: "expected a number, found '\(String(chars[i..<j]))'")
                    }
                    out.append((.number(x), start))
                    i = j
                } else if c.isLetter || c == "_" {
                    var j = i + 1
                    while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "-") { j += 1 }
                    out.append((.name(String(chars[i..<j])), start))
                    i = j
                } else {
                    throw ConditionError(offset: start, message: "unexpected '\(c)'")
                }
            }
        }
        out.append((.end, chars.count))
        return out
    }

    var current: (token: Token, offset: Int) { tokens[position] }

    static func describe(_ token: Token) -> String {
        switch token {
        case .name(let n): return "'\(n)'"
        case .number(let x): return "'\(x)'"
        case .op(let o): return "'\(o)'"
        case .open: return "'('"
        case .close: return "')'"
        case .openList: return "'['"
        case .closeList: return "']'"
        case .comma: return "','"
        case .end: return "the end of the condition"
        }
    }

    mutating func disjunction() throws(ConditionError) -> Condition {
        var parts = [try conjunction()]
        while current.token == .name("or") { position += 1; parts.append(try conjunction()) }
        return parts.count == 1 ? parts[0] : .any(parts)
    }

    mutating func conjunction() throws(ConditionError) -> Condition {
        var parts = [try negation()]
        while current.token == .name("and") { position += 1; parts.append(try negation()) }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    mutating func negation() throws(ConditionError) -> Condition {
        guard current.token == .name("not") else { return try primary() }
        try enter()
        defer { nesting -= 1 }
        position += 1
        return .not(try negation())
    }

    /// One level deeper, refused beyond `ExpressionLimits.maxDepth` at the token that passes it.
    mutating func enter() throws(ConditionError) {
        nesting += 1
        if nesting > ExpressionLimits.maxDepth {
            throw ConditionError(offset: current.offset, message: "the condition is nested too deeply; expected at most \(ExpressionLimits.maxDepth) levels of 'not' and parentheses")
        }
    }

    mutating func primary() throws(ConditionError) -> Condition {
        if current.token == .open {
            try enter()
            defer { nesting -= 1 }
            position += 1
            let inner = try disjunction()
            guard current.token == .close else { throw ConditionError(offset: current.offset, message: "expected ')', found \(Self.describe(current.token))") }
            position += 1
            return inner
        }
        guard case .name(let name) = current.token else {
            throw ConditionError(offset: current.offset, message: "expected an attribute name, found \(Self.describe(current.token))")
        }
        guard let a = attributes.firstIndex(where: { $0.name == name }) else {
            var message = "unknown attribute '\(name)'"
            let names = attributes.map(\.name)
            if let near = suggestion(for: name, among: names) { message += "; did you mean '\(near)'?" } else if !names.isEmpty {
                message += "; the demand types' attributes are \(NodeReader.list(names))"
            } else {
                message += "; give the demand type 'attributes' first"
            }
            throw ConditionError(offset: current.offset, message: message)
        }
        position += 1
        if current.token == .name("in") {
            position += 1
            guard current.token == .openList else { throw ConditionError(offset: current.offset, message: "expected '[' after 'in', found \(Self.describe(current.token))") }
            position += 1
            var values = [try value(for: a)]
            while current.token == .comma { position += 1; values.append(try value(for: a)) }
            guard current.token == .closeList else { throw ConditionError(offset: current.offset, message: "expected ',' or ']', found \(Self.describe(current.token))") }
            position += 1
            return .oneOf(attribute: a, values)
        }
        guard case .op(let symbol) = current.token, let op = Comparison(rawValue: symbol) else {
            throw ConditionError(offset: current.offset, message: "expected a comparison (<, <=, >, >=, ==, !=) or 'in' after '\(name)', found \(Self.describe(current.token))")
        }
        position += 1
        if !attributes[a].categories.isEmpty && op != .equal && op != .notEqual {
            throw ConditionError(offset: tokens[position - 1].offset, message: "'\(name)' is a category: compare it with == or !=, or use 'in [...]'")
        }
        return .compare(attribute: a, op, try value(for: a))
    }

    /// A number for a numeric attribute; a category name (as its index) for a categorical one.
    mutating func value(for a: Int) throws(ConditionError) -> Double {
        let attribute = attributes[a]
        defer { position += 1 }
        switch current.token {
        case .number(let x) where attribute.categories.isEmpty:
            return x
        case .name(let n) where !attribute.categories.isEmpty:
            if let i = attribute.categories.firstIndex(of: n) { return Double(i) }
            var message = "'\(attribute.name)' has no category '\(n)'"
            if let near = suggestion(for: n, among: attribute.categories) { message += "; did you mean '\(near)'?" } else {
                message += "; its categories are \(NodeReader.list(attribute.categories))"
            }
            throw ConditionError(offset: current.offset, message: message)
        default:
            let expected = attribute.categories.isEmpty ? "a number" : "one of \(NodeReader.list(attribute.categories))"
            throw ConditionError(offset: current.offset, message: "expected \(expected) for '\(attribute.name)', found \(Self.describe(current.token))")
        }
    }
}
