import Foundation
import PackagePlugin

/// Stamps the commit the package is built from into the `procsim` executable, so that
/// `procsim --version` names the code that was compiled, not whatever the checkout holds later.
///
/// A prebuild command runs before every build; it rewrites `BuildInfo.swift` only when the commit
/// (or the dirty flag) changed, so an unchanged tree does not recompile anything.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildInfo")
        let script = #"""
            set -u
            commit=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
            if [ "$commit" != unknown ] && ! git -C "$1" diff --quiet HEAD -- Sources Package.swift 2>/dev/null; then
              commit="$commit+modified"
            fi
            mkdir -p "$2"
            line="let buildCommit = \"$commit\""
            [ "$(cat "$2/BuildInfo.swift" 2>/dev/null)" = "$line" ] || printf '%s\n' "$line" > "$2/BuildInfo.swift"
            """#
        return [
            .prebuildCommand(
                displayName: "Stamping the git commit into procsim",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "stamp", context.package.directoryURL.path, output.path],
                outputFilesDirectory: output),
        ]
    }
}
