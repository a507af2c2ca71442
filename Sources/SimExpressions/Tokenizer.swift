/// One lexical unit of an expression, with its place in the text as `Character` offsets.
struct Token: Sendable {
    enum Kind: Equatable, Sendable {
        case number(Double)
        /// Letters written right after a number, with no space: the `d` of `5d`, the `h` of `1h30m`.
        case unit(String)
        /// A name: a metric, function, scope key, unit or model name. Quoted names (`'credit check'`)
        /// arrive here too, without their quotes.
        case name(String, quoted: Bool)
        /// `( ) , : + - * / % <= < >= >`, and `=`, `==`, `!=` so that they can be refused by name.
        case symbol(String)
        case end
    }

    var kind: Kind
    var start: Int
    var end: Int

    func isSymbol(_ s: String) -> Bool { kind == .symbol(s) }

    /// The bare (unquoted) name, if this token is one.
    var bareName: String? {
        if case .name(let n, quoted: false) = kind { return n }
        return nil
    }

    /// Any name, quoted or not.
    var name: String? {
        if case .name(let n, _) = kind { return n }
        return nil
    }
}

/// Splits an expression into tokens.
///
/// Names may contain `-` and `.` between letters, because scenario names do (`credit-check`,
/// `order.pick`); so a minus between two names needs spaces (`completed - rework`). A `-` or `.`
/// followed by a digit ends the name, so `on_time-5%` still subtracts. Any other name is quoted.
enum Tokenizer {
    static func tokens(_ text: [Character]) throws(ExpressionError) -> [Token] {
        var out: [Token] = []
        var i = 0
        func isNameStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
        func isNameBody(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        while i < text.count {
            let c = text[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if (c.isASCII && c.isNumber) || (c == "." && i + 1 < text.count && text[i + 1].isASCII && text[i + 1].isNumber) {
                let value = try number(text, &i)
                out.append(Token(kind: .number(value), start: start, end: i))
                if i < text.count, text[i].isLetter {
                    let unitStart = i
                    while i < text.count, text[i].isLetter { i += 1 }
                    out.append(Token(kind: .unit(String(text[unitStart..<i])), start: unitStart, end: i))
                }
            } else if isNameStart(c) {
                i += 1
                while i < text.count {
                    if isNameBody(text[i]) {
                        i += 1
                    } else if (text[i] == "-" || text[i] == "."), i + 1 < text.count, isNameStart(text[i + 1]) {
                        i += 2
                    } else {
                        break
                    }
                }
                out.append(Token(kind: .name(String(text[start..<i]), quoted: false), start: start, end: i))
            } else if c == "'" || c == "\"" {
                guard let close = text[(i + 1)...].firstIndex(of: c) else {
                    throw ExpressionError(offset: start, message: "unterminated name; expected a closing \(c)")
                }
                out.append(Token(kind: .name(String(text[(i + 1)..<close]), quoted: true), start: start, end: close + 1))
                i = close + 1
            } else {
                let two = i + 1 < text.count ? String([c, text[i + 1]]) : ""
                let symbol: String
                if ["<=", ">=", "==", "!="].contains(two) {
                    symbol = two
                    i += 2
                } else if c == "≤" || c == "≥" {
                    symbol = c == "≤" ? "<=" : ">="
                    i += 1
                } else if "(),:+-*/%<>=".contains(c) {
                    symbol = String(c)
                    i += 1
                } else {
                    throw ExpressionError(offset: start, message: "unexpected '\(c)'")
                }
                out.append(Token(kind: .symbol(symbol), start: start, end: i))
            }
        }
        out.append(Token(kind: .end, start: text.count, end: text.count))
        return out
    }

    /// `12`, `1.5`, `.5`, `1e3`. An `e` is an exponent only when digits follow, so `2e` is the
    /// number 2 with the (unknown) unit `e`, not a malformed number.
    static func number(_ text: [Character], _ i: inout Int) throws(ExpressionError) -> Double {
        let start = i
        func digits() { while i < text.count, text[i].isASCII, text[i].isNumber { i += 1 } }
        func digitAt(_ k: Int) -> Bool { k < text.count && text[k].isASCII && text[k].isNumber }
        digits()
        if i < text.count, text[i] == ".", digitAt(i + 1) { i += 1; digits() }
        if i < text.count, text[i] == "e" || text[i] == "E" {
            if digitAt(i + 1) {
                i += 1; digits()
            } else if i + 1 < text.count, text[i + 1] == "+" || text[i + 1] == "-", digitAt(i + 2) {
                i += 2; digits()
            }
        }
        let literal = String(text[start..<i])
        guard let value = Double(literal), value.isFinite else {
            throw ExpressionError(offset: start, message: "expected a finite number, found '\(literal)'")
        }
        return value
    }
}
