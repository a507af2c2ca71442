import CYaml

/// How far aliases expand a document, measured on libyaml's events before Yams composes it.
///
/// Composing is not free of the expansion: Yams hashes every mapping's keys to find duplicates,
/// and hashing a key walks the whole tree behind it, so eight lines whose last key is an alias to
/// nine nested aliases cost minutes (a fuzzer's finding). Here every node's expanded size is
/// computed from its children's and its anchor's, in one pass over the events and without
/// building anything, so such a file is refused at the line of the key, at once.
enum AliasExpansion {
    /// A key is a name; a key that is a collection this large is a mistake or an attack.
    static let maxKeyValues = 100

    struct Problem: Error {
        var line: Int, column: Int, message: String
    }

    /// The first problem in `text`: a mapping key that expands to more than `maxKeyValues`
    /// values, or a document that expands to more than `maxValues`. Syntax errors are left to
    /// Yams, which reports them with its own context.
    static func check(_ text: String, maxValues: Int) -> Problem? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { buffer -> Problem? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return scan(&parser, maxValues: maxValues)
        }
    }

    /// An open collection: its size so far and, for a mapping, whether the next node is a key.
    private struct Frame {
        var size = 1
        var anchor: String?
        var isMapping: Bool
        var expectingKey = true
        var line: Int, column: Int
    }

    private static func scan(_ parser: inout yaml_parser_t, maxValues: Int) -> Problem? {
        var anchors: [String: Int] = [:]
        var open: [Frame] = []
        var total = 0
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
            // A finished node: its size, the anchor it defines, and where it starts.
            var finished: (size: Int, anchor: String?, line: Int, column: Int)?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_DOCUMENT_START_EVENT:
                anchors = [:]
                total = 0
            case YAML_SCALAR_EVENT:
                finished = (1, name(event.data.scalar.anchor), line, column)
            case YAML_ALIAS_EVENT:
                finished = (name(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1, nil, line, column)
            case YAML_SEQUENCE_START_EVENT:
                open.append(Frame(anchor: name(event.data.sequence_start.anchor), isMapping: false, line: line, column: column))
            case YAML_MAPPING_START_EVENT:
                open.append(Frame(anchor: name(event.data.mapping_start.anchor), isMapping: true, line: line, column: column))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                if let frame = open.popLast() { finished = (frame.size, frame.anchor, frame.line, frame.column) }
            default:
                break
            }
            // Each value once: a scalar or a collection where it starts, an alias as all it stands for.
            if event.type == YAML_SCALAR_EVENT || event.type == YAML_SEQUENCE_START_EVENT || event.type == YAML_MAPPING_START_EVENT {
                total += 1
            } else if event.type == YAML_ALIAS_EVENT, let alias = finished {
                total = min(total + alias.size, maxValues + 1)
            }
            if total > maxValues {
                return Problem(line: line, column: column,
                               message: "the document expands to more than \(maxValues) values; this happens when aliases refer to aliases (an 'alias bomb'); a scenario needs far fewer")
            }
            guard let node = finished else { continue }
            if let anchor = node.anchor { anchors[anchor] = node.size }
            guard !open.isEmpty else { continue }
            if open[open.count - 1].isMapping {
                if open[open.count - 1].expectingKey, node.size > maxKeyValues {
                    return Problem(line: node.line, column: node.column,
                                   message: "this mapping key expands to \(node.size) values; a key is a name, such as 'sales'")
                }
                open[open.count - 1].expectingKey.toggle()
            }
            // Sizes saturate: nine aliases of nine aliases overflow Int long before the end.
            open[open.count - 1].size = min(open[open.count - 1].size + node.size, maxValues + 1)
        }
    }

    private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        anchor.map { String(cString: $0) }
    }
}
