import ArgumentParser
import SimExperiment
import SimGate
import SimPlan
import SimReport
import SimScenario

/// The exit codes of the contracts, and the one place where errors become them: every command
/// runs inside `withExitCodes`, and `check`, which reports a file it cannot check instead of
/// stopping, asks `code(of:)` for the code to report.
enum ExitStatus {
    /// 64 bad usage (printed with the command's usage), 65 invalid input, 66 unreadable input,
    /// 70 internal error, 73 output not writable.
    static func code(of error: any Error) -> Int32 {
        switch error {
        case let error as ScenarioError: error.exitCode
        case is UnreadableFile, is BaselineError: 66
        case is PartialError: 65
        case is OutputError: 73
        case is ValidationError, is OverrideError, is UnknownVariant, is PlanError, is CheckError: 64
        default: 70
        }
    }

    /// The most serious of several outcomes (a folder's checks), in the contracts' order.
    static func mostSerious(_ codes: [Int32]) -> Int32 {
        [70, 66, 65, 73, 1, 2].first(where: codes.contains) ?? 0
    }
}

/// Runs `body`, turning every failure into the exit code the contracts promise, with its message
/// on standard error.
func withExitCodes(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        let code = ExitStatus.code(of: error)
        switch code {
        case 64:
            throw ValidationError(String(describing: error))
        case 70:
            Terminal.error("procsim: internal error: \(error)\nThis is a bug in procsim. Please report it with the scenario file and the command line.")
        default:
            Terminal.error(String(describing: error))
            if let error = error as? ScenarioError {
                Terminal.error("\(error.errorCount) error\(error.errorCount == 1 ? "" : "s") in the scenario; nothing was simulated.")
            }
        }
        throw ExitCode(code)
    }
}
