#!/usr/bin/env bash
# Benchmarks of the whole program on generated inputs; prints a table of figures.
#   bench/run.sh            (about five minutes on 2 cores)
# Needs Python 3 (bench/gen.py) and GNU time (/usr/bin/time) for peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin amxc --example perf
amxc=target/release/amxc
perf=target/release/examples/perf
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# wall seconds and peak KB of a command
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }

echo "| measure | value | peak memory |"
echo "|---|---|---|"

# seed policy: mean wall time of 100 runs of `amxc check`, process start included
# (perf stat adds little of its own; without perf, a shell loop, which adds its fork)
if perf stat -r 1 true >/dev/null 2>&1; then
  mean=$(perf stat -r 100 $amxc check policies/symantec-mail-security.amx 2>&1 >/dev/null \
    | awk '/seconds time elapsed/ {printf "%d", $1 * 1e6}')
else
  start=$(date +%s%N)
  for _ in $(seq 100); do $amxc check policies/symantec-mail-security.amx >/dev/null 2>&1; done
  mean=$(( ($(date +%s%N) - start) / 100000 ))
fi
read -r _ mem <<<"$(measure $amxc check policies/symantec-mail-security.amx)"
echo "| check seed policy (40 configurations), mean wall | ${mean} µs | ${mem} KB |"

prev=""
for n in 1000 10000 100000; do
  python3 bench/gen.py policy $n "$work/p$n.amx"
  read -r secs mem <<<"$(measure $amxc check "$work/p$n.amx")"
  ratio=""
  [ -n "$prev" ] && ratio=" (×$(python3 -c "print(round($secs/max($prev,0.001),1))"))"
  echo "| check $n filters (96 configurations) | ${secs} s${ratio} | ${mem} KB |"
  prev=$secs
done

# large configuration spaces of a small policy: 17 optional components (524,288
# configurations), conditions naming 2 of them, then all 17 (262,144 distinct groups)
for used in 2 17; do
  python3 bench/gen.py components 17 $used "$work/components$used.amx"
  read -r secs mem <<<"$(measure $amxc check "$work/components$used.amx")"
  echo "| check 524,288 configurations, conditions on $used components | ${secs} s | ${mem} KB |"
done
# every configuration a group of its own: 18 components and the management IP (524,288)
python3 bench/gen.py distinct 18 "$work/distinct.amx"
read -r secs mem <<<"$(measure $amxc check "$work/distinct.amx")"
echo "| check 524,288 configurations, 524,288 distinct groups | ${secs} s | ${mem} KB |"

# hostile inputs (issue cases): each should stop early or stay proportional to its size
python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
open(f"{w}/blank.amx", "w").write('amx "b" {\n    versions 2007-07-11\n' + "\n" * 60_000_000 + "}\n")
lines = ['amx "q" {', "versions 2007-07-11", "data {"] + [f"files include 'C:\\App\\d{i}\\**'" for i in range(23_000)] + ["}", "}"]
open(f"{w}/unindented.amx", "w").write("\n".join(lines) + "\n")
lines = ['amx "q" {', "    versions 2007-07-11", "    data {"] + [f"// comment {i}" for i in range(47_700)] + ["        files include 'C:\\App\\**'", "    }", "}"]
open(f"{w}/comments.amx", "w").write("\n".join(lines) + "\n")
defs = "\n".join(f"        V{i} = '%V{i+1}%%V{i+1}%'" for i in range(40)) + "\n        V40 = 'x'"
open(f"{w}/doubling.amx", "w").write('amx "d" {\n    versions 2007-07-11\n    paths {\n' + defs + "\n    }\n    data {\n        files include 'C:\\%V0%\\**'\n    }\n}\n")
open(f"{w}/stars.amx", "w").write('amx "s" {\n    versions 2007-07-11\n    data {\n        files include \'C:\\' + "*?" * 32_000 + "'\n    }\n}\n")
PY
for case in "check blank.amx:60 MB of blank lines" "fmt --check unindented.amx:fmt --check, 0.75 MB unindented" \
            "fmt --check comments.amx:fmt --check, 0.8 MB of column-0 comments" \
            "check doubling.amx:40 path variables each doubling the next" "check stars.amx:one 64 KB *?*? name"; do
  args=${case%%:*}; what=${case#*:}
  read -r secs mem <<<"$(measure $amxc ${args% *} "$work/${args##* }")"
  echo "| hostile: $what | ${secs} s | ${mem} KB |"
done

# a 10 MB policy end to end
python3 bench/gen.py policy 130000 "$work/big.amx"
bytes=$(stat -c %s "$work/big.amx")
read -r secs mem <<<"$(measure $amxc check "$work/big.amx")"
echo "| check a $(( bytes / 1000000 )) MB policy end to end | $(python3 -c "print(round($bytes/1e6/$secs,1))") MB/s | ${mem} KB ($(python3 -c "print(round($mem*1024/$bytes,1))")× input) |"
echo "| parse only (best of 5) | $($perf parse "$work/big.amx" | awk '{print $2}') MB/s | |"

# fleet compile: the seed policy, then a policy of 1,000 filters
python3 bench/gen.py seed-fleet 1000 "$work/seedfleet"
read -r secs mem <<<"$(measure $amxc compile policies/symantec-mail-security.amx --targets "$work/seedfleet" --out "$work/seedout")"
echo "| fleet compile, 1,000 targets of the seed policy | $(python3 -c "print(round(1000/$secs))") targets/s (${secs} s) | ${mem} KB |"
python3 bench/gen.py fleet 1000 "$work/fleet"
read -r secs mem <<<"$(measure $amxc compile "$work/p1000.amx" --targets "$work/fleet" --out "$work/out")"
echo "| fleet compile, 1,000 targets × 1,000 filters | $(python3 -c "print(round(1000/$secs))") targets/s (${secs} s) | ${mem} KB |"

# coverage
python3 bench/gen.py listing 1000000 10000 "$work/list.txt"
out=$($perf coverage "$work/p10000.amx" "$work/fleet/SRV00001.yaml" "$work/list.txt")
a=$(echo "$out" | awk '/amxc_paths_per_s/ {print $2}')
one=$(echo "$out" | awk '/amxc_one_core_paths_per_s/ {print $2}')
g=$(echo "$out" | awk '/globset_paths_per_s/ {print $2}')
read -r secs mem <<<"$(measure $amxc coverage "$work/p10000.amx" --target "$work/fleet/SRV00001.yaml" --paths "$work/list.txt" --summary)"
echo "| coverage, 1,000,000 paths × 10,000 filters | ${a} paths/s (one core: ${one}; globset: ${g}) | ${mem} KB (whole command: ${secs} s) |"
