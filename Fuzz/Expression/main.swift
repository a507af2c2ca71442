// libFuzzer target for the expression parser, built by scripts/fuzz.sh with -sanitize=fuzzer.
import Glibc
import SimExpressions
import SimScenario

/// The names an expression may refer to: a model with two areas, three demand types, two journeys
/// and named steps, so that every scope (`area:`, `demand:`, `journey:`, `step:`) resolves.
private let context: ExpressionContext = {
    let yaml = """
        version: 1
        name: Fuzz context
        horizon: 30d
        areas:
          sales: {staff: 2}
          warehouse: {staff: 3}
        demand:
          orders: {rate: 20/day, journey: order}
          returns: {rate: 2/day, journey: refund}
          complaints: {rate: 1/day, journey: refund}
        journeys:
          order:
            steps:
              - {name: quote, area: sales, duration: 20m}
              - {name: pick, area: warehouse, duration: {dist: exponential, mean: 30m}}
          refund:
            steps:
              - {name: check, area: sales, duration: 10m}
        """
    return ExpressionContext(model: try! ScenarioLoader.parse(yaml: yaml, file: "context.yaml").model)
}()

/// One input: the text of an expectation (`p95(lead_time) <= 5d`), parsed both as an
/// expectation and as a bare expression. An ExpressionError is the expected outcome of bad input.
func fuzzExpression(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    _ = try? ExpressionParser.expectation(text, in: context)
    _ = try? ExpressionParser.expression(text, in: context)
    return 0
}

// SwiftPM links an executable's own `main`, so libFuzzer's is not used: its driver is called here.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzer(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzer(&argc, &argv, fuzzExpression))
