import Foundation
import Yams

/// The files a scenario names (`extends:`, `arrivals:`), read under the rules for hostile input.
extension NodeReader {
    /// The largest order book: a million rows of a date and a name fit in 64 MiB.
    static let maxArrivalBytes = 64 << 20

    /// Reads the file `node` names, relative to `folder`, or reports why not at `node` and
    /// returns `nil`. The file must carry one of `extensions` (so that `extends: .env` or a key
    /// file is refused by name, before it is opened), lie within the root once symbolic links
    /// are resolved, be a regular file and fit in `limit`. The messages never quote the file.
    mutating func referencedFile(_ node: Node, _ path: String, relativeTo folder: String, extensions: [String], what: String, limit: Int) -> (path: String, text: String)? {
        guard case .scalar(let s) = node, !s.string.isEmpty else {
            error(node, path, "expected the path of \(what), found \(Self.describe(node))")
            return nil
        }
        let name = s.string
        let full = name.hasPrefix("/") || folder.isEmpty || folder == "." ? name : (folder as NSString).appendingPathComponent(name)
        let suffix = (name as NSString).pathExtension.lowercased()
        guard extensions.contains(suffix) else {
            error(node, path, "'\(name)' is not \(what): expected a file ending in \(Self.list(extensions.map { "." + $0 }))")
            return nil
        }
        guard let root else {
            error(node, path, "cannot read '\(name)': the scenario's folder does not exist")
            return nil
        }
        if !root.contains(full) {
            error(node, path, "'\(name)' is outside the scenario's folder tree: procsim reads only files under the top-level scenario's folder, or under the folder given with --root")
            return nil
        }
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(full, limit: limit)
        } catch .missing {
            error(node, path, "cannot read '\(name)': no such file (paths are relative to the file that names them)")
            diagnostics[diagnostics.count - 1].unreadable = true
            return nil
        } catch let refusal {
            error(node, path, "cannot read '\(name)': \(refusal)")
            diagnostics[diagnostics.count - 1].unreadable = true
            return nil
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            error(node, path, "'\(name)' is not UTF-8 text")
            return nil
        }
        return (full, text)
    }
}
