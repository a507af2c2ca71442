#!/usr/bin/env bash
# Rewrites the golden diagnostics (Tests/SimScenarioTests/Fixtures/invalid/*.expected) and the
# golden outcomes of the command corpus (Tests/ProcsimCLITests/Corpus/commands/*.expected) from the
# current build. Review `git diff` before committing: these texts are product output.
set -euo pipefail
cd "$(dirname "$0")/.."
PROCSIM_UPDATE_GOLDEN=1 swift test --filter 'DiagnosticsTests|CommandCorpusTests'
git status --short Tests/SimScenarioTests/Fixtures Tests/ProcsimCLITests/Corpus
