#!/usr/bin/env bash
# Run one fuzz target on the stable toolchain: fuzz/run.sh TARGET SECONDS
# Seeds come from the fixtures and shipped policies; findings land in fuzz/artifacts/TARGET.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?target: parse, check, target, fmt, reference, lsp, discover, diff, coverage or outputs}
seconds=${2:-60}
mkdir -p "fuzz/corpus/$target"
case "$target" in
  discover) seeds=(tests/fixtures/discover) ;;
  target) seeds=(tests/fixtures/targets policies/targets/symantec-mail-security policies/targets/sql-server tests/fixtures/diagnostics) ;;
  reference) seeds=(fuzz/regressions/reference) ;;
  diff) seeds=(fuzz/seeds/diff) ;;
  coverage) seeds=(tests/fixtures/discover fuzz/seeds/coverage) ;;
  outputs) seeds=(fuzz/seeds/outputs) ;;
  *) seeds=(tests/fixtures/diagnostics tests/fixtures/targets policies fuzz/regressions) ;;
esac
cargo fuzz run -s none "$target" "fuzz/corpus/$target" "${seeds[@]}" -- \
  -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1
