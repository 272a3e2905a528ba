#!/usr/bin/env bash
# `amxc discover` on a generated 200 MB Process Monitor trace (streamed: peak memory stays that
# of the paths seen, not of the file), on traces of 120,000 and 1,000,000 distinct paths under
# C:\Data (every path its own, four files a folder: the cost per distinct path), and on a
# `reg export` of 100,000 keys. Prints a table.
#   bench/discover.sh       (about a minute)
#   AMXC=/path/to/amxc bench/discover.sh   (another build, side by side on the same machine)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${AMXC:-}" ]; then
  cargo build --release --quiet --bin amxc
fi
amxc=${AMXC:-target/release/amxc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import sys, os
work = sys.argv[1]
pf = r"C:\Program Files (x86)\Contoso\Backup"
ops = [("WriteFile", pf + r"\Catalog\set{}.db"), ("ReadFile", pf + r"\Catalog\set{}.db"),
       ("RegSetValue", r"HKLM\SOFTWARE\Wow6432Node\Contoso\Backup\Jobs\j{}"),
       ("WriteFile", r"C:\Windows\Temp\t{}.log"), ("CreateFile", pf + r"\Logs\run{}.log")]
with open(os.path.join(work, "trace.csv"), "w", newline="") as f:
    f.write('\ufeff"Time of Day","Process Name","PID","Operation","Path","Result","Detail"\r\n')
    size, i = 0, 0
    while size < 200_000_000:
        op, path = ops[i % len(ops)]
        proc = "ContosoBackup.exe" if i % 7 else "explorer.exe"
        line = f'"10:15:02.1234567 AM","{proc}","4242","{op}","{path.format(i % 5000)}","SUCCESS","Offset: 4,096, Length: 8,192, Priority: Normal"\r\n'
        f.write(line)
        size += len(line)
        i += 1
for n in (120_000, 1_000_000):
    with open(os.path.join(work, f"distinct{n}.csv"), "w", newline="") as f:
        f.write('\ufeff"Time of Day","Process Name","PID","Operation","Path","Result","Detail"\r\n')
        for i in range(n):
            f.write(f'"10:15:02.1234567 AM","ContosoBackup.exe","4242","WriteFile","C:\\Data\\d{i // 4}\\f{i % 4}.dat","SUCCESS","Offset: 0, Length: 8"\r\n')
lines = ["Windows Registry Editor Version 5.00", ""]
for k in range(100_000):
    lines += [rf"[HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\Contoso\Backup\Jobs\j{k}]", f'"Last"=dword:{k:08x}', '"Name"="job"', ""]
open(os.path.join(work, "big.reg"), "wb").write(b"\xff\xfe" + "\r\n".join(lines).encode("utf-16-le"))
PY
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
bytes=$(stat -c %s "$work/trace.csv")
read -r secs mem <<<"$(measure $amxc discover --name bench --release 2021-06-15 --procmon "$work/trace.csv" --process ContosoBackup.exe)"
echo "| measure | value | peak memory |"
echo "|---|---|---|"
echo "| discover: a $((bytes / 1000000)) MB Process Monitor CSV | $(python3 -c "print(round($bytes/1e6/$secs))") MB/s (${secs} s) | $((mem / 1024)) MB |"
for n in 120000 1000000; do
  read -r secs mem <<<"$(measure $amxc discover --name bench --release 2021-06-15 --procmon "$work/distinct$n.csv")"
  echo "| discover: $(python3 -c "print(f'{$n:,}')") distinct paths under C:\\Data | $(python3 -c "print(f'{round($n/$secs):,}')") paths/s (${secs} s) | $((mem / 1024)) MB |"
done
read -r secs mem <<<"$(measure $amxc discover --name bench --release 2021-06-15 --reg "$work/big.reg")"
echo "| discover: a reg export of 100,000 keys | $(python3 -c "print(f'{round(100000/$secs):,}')") keys/s (${secs} s) | $((mem / 1024)) MB |"
