import Foundation
import SimScenario

/// One thing `check` checks: a scenario file, or one of its variants, with the baseline it is
/// compared with. Each is checked whole, by itself: the unit a shard of `check` runs.
public struct CheckTarget: Sendable, Equatable {
    public init(path: String, variant: String?, baseline: String?, baselineOptional: Bool, refusal: String? = nil) {
        self.path = path
        self.variant = variant
        self.baseline = baseline
        self.baselineOptional = baselineOptional
        self.refusal = refusal
    }

    public var path: String
    public var variant: String?
    /// The baseline to compare with; `nil`: expectations only.
    public var baseline: String?
    /// Whether the baseline may be missing (in a folder, `<baselines>/<stem>.json` need not
    /// exist: then only expectations are checked) rather than an error (`--baseline FILE`).
    public var baselineOptional: Bool
    /// Why the file is not read at all (a link out of the folder tree); `nil` when it is.
    public var refusal: String?

    public var label: String { path + (variant.map { " · variant \($0)" } ?? "") }

    /// The fingerprint of the baseline's bytes, so that a merge can tell that it reads the
    /// baseline the shards read; `nil` without one (or when it cannot be read: the check says why).
    public var baselineHash: String? {
        baseline.flatMap { ScenarioLoader.inputFingerprint(path: $0, limit: BaselineDocument.maxBytes) }
    }
}

extension CheckTarget {
    /// Every scenario of `folder` (by name; folders named like scenarios are not scenarios)
    /// and each variant of one with a baseline: `<baselines>/<stem>.json` for the scenario itself,
    /// `<baselines>/<stem>.<variant>.json` for a variant. A link that leads outside `root` (by
    /// default the folder) is a target refused, so that a pull request cannot make the gate read
    /// a file elsewhere. The warnings name baselines of variants a scenario no longer has: said,
    /// not silently skipped.
    public static func folder(_ folder: String, baselines: String?, root: ReadRoot?) throws -> (targets: [CheckTarget], warnings: [String]) {
        let manager = FileManager.default
        func isFolder(_ path: String) -> Bool {
            var folder: ObjCBool = false
            return manager.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
        }
        let files = ((try? manager.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .filter { !isFolder((folder as NSString).appendingPathComponent($0)) }
        let baselineFolder = baselines ?? "baselines"
        if baselines != nil && !isFolder(baselineFolder) {
            throw BaselineError(path: baselineFolder, reason: "--baselines: no such folder")
        }
        let baselineFiles = ((try? manager.contentsOfDirectory(atPath: baselineFolder)) ?? []).filter { $0.hasSuffix(".json") }
        var warnings: [String] = []
        for name in files {
            let stem = (name as NSString).deletingPathExtension
            let variants = Set(ScenarioLoader.variantNames(path: (folder as NSString).appendingPathComponent(name)))
            for b in baselineFiles where b.hasPrefix(stem + ".") {
                let middle = String(b.dropFirst(stem.count + 1).dropLast(5))
                if !middle.isEmpty && !variants.contains(middle) && !files.contains(where: { ($0 as NSString).deletingPathExtension == stem + "." + middle }) {
                    warnings.append("warning: \((baselineFolder as NSString).appendingPathComponent(b)): \(name) has no variant '\(middle)'; this baseline is not used")
                }
            }
        }
        var targets: [CheckTarget] = []
        let tree = root ?? ReadRoot(folder: folder)
        for name in files {
            let path = (folder as NSString).appendingPathComponent(name)
            let stem = (name as NSString).deletingPathExtension
            guard tree?.contains(path) == true else {
                targets.append(CheckTarget(path: path, variant: nil, baseline: nil, baselineOptional: true, refusal:
                    "\(path): error: cannot read the scenario file: it is a symbolic link that leads outside \(tree?.path ?? folder); only files in the folder tree are checked"))
                continue
            }
            let variants = ScenarioLoader.variantNames(path: path).filter {
                manager.fileExists(atPath: (baselineFolder as NSString).appendingPathComponent("\(stem).\($0).json"))
            }
            for variant in [nil] + variants.map(Optional.some) {
                let candidate = (baselineFolder as NSString).appendingPathComponent(stem + (variant.map { ".\($0)" } ?? "") + ".json")
                targets.append(CheckTarget(path: path, variant: variant, baseline: candidate, baselineOptional: true, refusal: nil))
            }
        }
        return (targets, warnings)
    }
}
