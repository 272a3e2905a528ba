#!/usr/bin/env bash
# Fleets across machines: the seed policy compiled for 10,000 and 50,000 generated servers on
# one machine and as one shard of 8 (every profile is read to find the shard's servers), the
# imbalance between the 8 shards, and the cost of `amxc merge`. Prints a table of figures.
#   bench/shards.sh         (about ten minutes on 2 cores)
# Needs Python 3 (bench/gen.py) and GNU time (/usr/bin/time) for peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin amxc
amxc=target/release/amxc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
policy=policies/symantec-mail-security.amx

echo "| measure | value | peak memory |"
echo "|---|---|---|"
for n in 10000 50000; do
  python3 bench/gen.py seed-fleet $n "$work/fleet$n"
  read -r secs mem <<<"$(measure $amxc compile $policy --targets "$work/fleet$n" --out "$work/all$n")"
  echo "| compile $n servers on one machine | ${secs} s ($(python3 -c "print(round($n/$secs))") servers/s) | ${mem} KB |"
  read -r secs mem <<<"$(measure $amxc compile $policy --targets "$work/fleet$n" --out "$work/shard$n" --partition hash:1/8)"
  echo "| compile $n servers as shard 1 of 8 | ${secs} s | ${mem} KB |"
  read -r secs mem <<<"$(measure $amxc compile $policy --targets "$work/fleet$n" --out "$work/all$n" --check --partition hash:1/8 --manifest "$work/check$n.json")"
  echo "| check $n servers as shard 1 of 8 | ${secs} s | ${mem} KB |"
done
# the 8 shards of 10,000 servers: sizes, and what merge costs
for k in 2 3 4 5 6 7 8; do
  $amxc compile $policy --targets "$work/fleet10000" --out "$work/shard10000" --partition hash:$k/8 >/dev/null 2>&1
done
read -r secs mem <<<"$(measure $amxc merge "$work/shard10000")"
line=$($amxc merge "$work/shard10000" | head -1)
echo "| merge 8 manifests of 10,000 servers | ${secs} s | ${mem} KB |"
echo "| shards of 10,000 servers | ${line#*: } | |"
