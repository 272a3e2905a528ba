#!/usr/bin/env python3
"""Benchmarks of `amxc lsp` over stdio, as an editor drives it. Prints a table of figures.
  python3 bench/lsp.py            (about a minute; builds nothing: run after bench/run.sh or
                                   `cargo build --release`)

- diagnostics after a change: from sending didChange to receiving publishDiagnostics, for the
  seed policy and for a generated 1 MB policy (median of 20);
- hover and completion round trips on the seed (median of 50);
- typing into a generated 5 MB policy, a keystroke every 50 ms with a hover and a completion
  request between keystrokes: the requests' round trips (median and worst) and the time from
  the last keystroke to its diagnostics;
- peak memory of the server with 20 policies open (10 copies of the seed, 10 generated
  policies of 1,000 filters), by GNU time.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AMXC = os.path.join(ROOT, "target", "release", "amxc")


class Server:
    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.next = 0
        # (uri, version) of each publishDiagnostics read while waiting for something else,
        # with when it came
        self.published = {}

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def recv(self):
        length = 0
        while True:
            line = self.p.stdout.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(length))

    def request(self, method, params):
        self.next += 1
        self.send({"jsonrpc": "2.0", "id": self.next, "method": method, "params": params})
        while True:
            m = self.recv()
            if m.get("id") == self.next:
                return m
            self.note(m)

    def note(self, m):
        if m.get("method") == "textDocument/publishDiagnostics":
            p = m["params"]
            self.published[(p["uri"], p.get("version"))] = time.perf_counter()

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri, version):
        if (uri, version) in self.published:
            return self.published[(uri, version)]
        while True:
            m = self.recv()
            self.note(m)
            if (uri, version) in self.published:
                return self.published[(uri, version)]


def uri(path):
    return "file://" + path


def position(text, offset):
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return {"line": line, "character": len(text[start:offset].encode("utf-16-le")) // 2}


def typing_figures(work, gen):
    """Keystrokes every 50 ms into a 5 MB policy, requests between them."""
    path = os.path.join(work, "typing", "p.amx")
    os.makedirs(os.path.dirname(path))
    subprocess.run([sys.executable, gen, "policy", "65000", path], check=True)
    text = "//\n" + open(path).read()
    s = Server([AMXC, "lsp"])
    s.request("initialize", {"capabilities": {}})
    s.notify("initialized", {})
    u = uri(path)
    s.notify("textDocument/didOpen", {"textDocument": {"uri": u, "languageId": "amx", "version": 1, "text": text}})
    s.diagnostics(u, 1)
    at = text.find("%Install%") + 2
    rts = []
    keys = 40
    for k in range(keys):
        t = time.perf_counter()
        # one character typed into the comment on the first line
        s.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": k + 2}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 2 + k}, "end": {"line": 0, "character": 2 + k}}, "text": "x"}]})
        pos = position("//" + "x" * (k + 1) + text[2:], at + k + 1)
        for method in ("textDocument/hover", "textDocument/completion"):
            r = time.perf_counter()
            s.request(method, {"textDocument": {"uri": u}, "position": pos})
            rts.append(time.perf_counter() - r)
        time.sleep(max(0.0, 0.05 - (time.perf_counter() - t)))
    last = time.perf_counter()
    done = s.diagnostics(u, keys + 1)
    settle = (max(done, last) - last) * 1000
    published = sum(1 for (uu, v) in s.published if uu == u and 1 < v <= keys + 1)
    s.request("shutdown", None)
    s.notify("exit", None)
    s.p.stdin.close()
    s.p.wait()
    size = len(text) / 1e6
    return [
        f"| typing into a {size:.1f} MB policy, a key every 50 ms: hover and completion round trip, median (worst) of {len(rts)} | {statistics.median(rts) * 1000:.1f} ms ({max(rts) * 1000:.0f} ms) |",
        f"| the same: diagnostics of the last keystroke after it | {settle:.0f} ms ({published} of {keys} versions checked to the end and published) |",
    ]


def main():
    if not os.path.exists(AMXC):
        sys.exit("build first: cargo build --release")
    work = tempfile.mkdtemp()
    try:
        seed = open(os.path.join(ROOT, "policies", "symantec-mail-security.amx")).read()
        for i in range(10):
            d = os.path.join(work, f"s{i}")
            os.makedirs(d)
            for f in ("symantec-mail-security.amx", "symantec-mail-security.versions.yaml"):
                shutil.copy(os.path.join(ROOT, "policies", f), d)
        gen = os.path.join(ROOT, "bench", "gen.py")
        big = os.path.join(work, "big", "big.amx")
        os.makedirs(os.path.dirname(big))
        subprocess.run([sys.executable, gen, "policy", "13000", big], check=True)
        for i in range(10):
            os.makedirs(os.path.join(work, f"g{i}"))
            subprocess.run([sys.executable, gen, "policy", "1000", os.path.join(work, f"g{i}", "p.amx")], check=True)

        typing = typing_figures(work, gen)
        s = Server(["/usr/bin/time", "-f", "%M", AMXC, "lsp"])
        s.request("initialize", {"capabilities": {}})
        s.notify("initialized", {})

        def latency(path, text, runs):
            u = uri(path)
            s.notify("textDocument/didOpen", {"textDocument": {"uri": u, "languageId": "amx", "version": 1, "text": text}})
            s.diagnostics(u, 1)
            times = []
            for v in range(2, runs + 2):
                t = time.perf_counter()
                s.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": v}, "contentChanges": [
                    {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "// edit\n"}]})
                s.diagnostics(u, v)
                times.append(time.perf_counter() - t)
            return statistics.median(times) * 1000

        seed_path = os.path.join(work, "s0", "symantec-mail-security.amx")
        seed_ms = latency(seed_path, seed, 20)
        big_text = open(big).read()
        big_ms = latency(big, big_text, 20)
        # hover and completion on the seed (its text now has 20 comment lines on top)
        text = "// edit\n" * 20 + seed
        at = position(text, text.find("%Install%") + 2)
        params = {"textDocument": {"uri": uri(seed_path)}, "position": at}
        def rt(method, runs=50):
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                s.request(method, params)
                times.append(time.perf_counter() - t)
            return statistics.median(times) * 1000
        hover_ms = rt("textDocument/hover")
        complete_ms = rt("textDocument/completion")
        # 20 open policies in all
        for i in range(1, 10):
            p = os.path.join(work, f"s{i}", "symantec-mail-security.amx")
            s.notify("textDocument/didOpen", {"textDocument": {"uri": uri(p), "languageId": "amx", "version": 1, "text": seed}})
            s.diagnostics(uri(p), 1)
        for i in range(9):
            p = os.path.join(work, f"g{i}", "p.amx")
            t = open(p).read()
            s.notify("textDocument/didOpen", {"textDocument": {"uri": uri(p), "languageId": "amx", "version": 1, "text": t}})
            s.diagnostics(uri(p), 1)
        s.request("shutdown", None)
        s.notify("exit", None)
        s.p.stdin.close()
        s.p.wait()
        peak_kb = s.p.stderr.read().decode().strip().splitlines()[-1]
        size = os.path.getsize(big)
        print("| measure | value |")
        print("|---|---|")
        print(f"| diagnostics after a change, seed policy (median of 20) | {seed_ms:.1f} ms |")
        print(f"| diagnostics after a change, {size / 1e6:.1f} MB policy (median of 20) | {big_ms:.0f} ms |")
        print(f"| hover on the seed, round trip (median of 50) | {hover_ms:.2f} ms |")
        print(f"| completion on the seed, round trip (median of 50) | {complete_ms:.2f} ms |")
        for row in typing:
            print(row)
        print(f"| peak memory with 20 policies open (10 × seed, 9 × 1,000 filters, 1 MB) | {int(peak_kb) // 1024} MB |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
