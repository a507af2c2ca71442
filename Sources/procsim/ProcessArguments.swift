import _CArguments

/// The command line, from the C runtime rather than the Swift runtime's `/proc/self/cmdline`
/// (see `Sources/_CArguments`): the same words with or without `/proc`.
enum ProcessArguments {
    /// `nil` when neither source has them (a C library that passes constructors no arguments,
    /// in a root without `/proc`): procsim then refuses to guess.
    static let all: [String]? = {
        let argc = Int(procsim_argc())
        if argc > 0, let argv = procsim_argv() {
            return (0..<argc).map { argv[$0].map { String(cString: $0) } ?? "" }
        }
        return CommandLine.arguments.isEmpty ? nil : CommandLine.arguments
    }()
}
