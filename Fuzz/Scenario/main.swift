// libFuzzer target for the scenario loader, built by scripts/fuzz.sh with -sanitize=fuzzer.
import SimScenario
import Glibc

/// One input: scenario bytes, and if its last line is `#set PATH=VALUE`, that override too (the
/// path `--set` takes). Every variant the file defines is composed as well, up to four, so that
/// `set:`, `add:` and `remove:` are reached. A thrown ScenarioError is the expected outcome of
/// bad input; a trap, a timeout or a memory blow-up is a finding.
func fuzzScenario(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var overrides: [Override] = []
    if let newline = bytes.lastIndex(of: 10), bytes[(newline + 1)...].starts(with: Array("#set ".utf8)),
       let argument = String(validating: bytes[(newline + 6)...], as: UTF8.self),
       let override = Override(argument: argument) {
        overrides.append(override)
    }
    guard let base = try? ScenarioLoader.parse(bytes: bytes, file: "fuzz.yaml", overrides: overrides) else { return 0 }
    for name in base.variantNames.prefix(4) {
        _ = try? ScenarioLoader.parse(bytes: bytes, file: "fuzz.yaml", variant: name, overrides: overrides)
    }
    return 0
}

// SwiftPM links an executable's own `main`, so libFuzzer's is not used: its driver is called here.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzer(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzer(&argc, &argv, fuzzScenario))
