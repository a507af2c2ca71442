import ArgumentParser
import SimReport

extension Procsim {
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here rather than derived from the type: deriving it costs a dynamic cast
            // per subcommand at every start-up.
            commandName: "schema",
            abstract: "Print the JSON Schema of the scenario format, for editors (YAML language server).",
            // Short: the generated one lists every option (180 to 230 characters).
            usage: "procsim schema [-o <file>]",
            discussion: """
                Save it and point your editor at it, or add this first line to a scenario file:
                  # yaml-language-server: $schema=../docs/schemas/scenario.schema.json
                """)

        @Flag(help: "Print the key tables of the format reference (Markdown) instead.")
        var reference = false

        @Option(name: [.customShort("o"), .long], help: "Write to this file, atomically, instead of standard output.")
        var output: String?

        func run() throws {
            try withExitCodes {
                let text = reference ? ScenarioSchema.markdown : ScenarioSchema.json.rendered()
                if let output {
                    let outputs = Outputs()
                    defer { outputs.discard() }
                    try outputs.write(text, to: outputs.claim(output))
                    try outputs.commit()
                } else {
                    try Terminal.output(text)
                }
            }
        }
    }
}
