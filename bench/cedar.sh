#!/usr/bin/env bash
# amxc's check against Cedar's `validate`, rule for rule: the N filters of `gen.py policy N`
# and the same folders, kinds and conditions as N Cedar policies with their schema
# (`gen.py cedar N`). Prints wall time and peak memory of each, per rule, and the ratios.
#   bench/cedar.sh [N ...]     (default 10000 100000)
# Uses `cedar` from PATH, or $CEDAR, or installs cedar-policy-cli once with cargo into
# ~/.cache/amxc-bench/cedar (needs crates.io; CEDAR_VERSION picks the version).
# AMXC=/path/to/amxc measures another build.
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("$@")
[ ${#counts[@]} -eq 0 ] && counts=(10000 100000)

if [ -z "${AMXC:-}" ]; then
  cargo build --release --quiet --bin amxc
  AMXC=target/release/amxc
fi
cedar=${CEDAR:-$(command -v cedar || true)}
if [ -z "$cedar" ]; then
  root=${XDG_CACHE_HOME:-$HOME/.cache}/amxc-bench/cedar
  if [ ! -x "$root/bin/cedar" ]; then
    echo "installing cedar-policy-cli into $root (once)" >&2
    cargo install --quiet --locked cedar-policy-cli ${CEDAR_VERSION:+--version "$CEDAR_VERSION"} \
      --root "$root" >&2
  fi
  cedar=$root/bin/cedar
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the fastest of 3 runs: wall seconds and peak KB
measure() {
  for _ in 1 2 3; do /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; done | sort -n | head -1
}

echo "$($cedar --version 2>/dev/null | head -1) · $($AMXC --version)"
echo
echo "| rules | amxc check | peak | cedar validate | peak | time ratio | memory ratio |"
echo "|---|---|---|---|---|---|---|"
for n in "${counts[@]}"; do
  python3 bench/gen.py policy "$n" "$work/p$n.amx"
  python3 bench/gen.py cedar "$n" "$work/c$n"
  # both inputs must be accepted, or the comparison means nothing
  "$AMXC" check "$work/p$n.amx" >/dev/null 2>&1 || { echo "amxc rejects $work/p$n.amx" >&2; exit 1; }
  "$cedar" validate --schema "$work/c$n/schema.cedarschema" --policies "$work/c$n/policies.cedar" \
    >/dev/null 2>&1 || { echo "cedar rejects $work/c$n" >&2; exit 1; }
  read -r as am <<<"$(measure "$AMXC" check "$work/p$n.amx")"
  read -r cs cm <<<"$(measure "$cedar" validate --schema "$work/c$n/schema.cedarschema" \
    --policies "$work/c$n/policies.cedar")"
  python3 - "$n" "$as" "$am" "$cs" "$cm" <<'PY'
import sys
n, a_s, a_m, c_s, c_m = int(sys.argv[1]), *map(float, sys.argv[2:])
per = lambda s: f"{s / n * 1e6:.1f} µs/rule"
print(f"| {n:,} | {a_s:.2f} s ({per(a_s)}) | {a_m / 1024:.0f} MB | {c_s:.2f} s ({per(c_s)}) "
      f"| {c_m / 1024:.0f} MB | {c_s / max(a_s, 0.005):.1f}× | {c_m / a_m:.1f}× |")
PY
done
