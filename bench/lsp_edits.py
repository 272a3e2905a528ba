#!/usr/bin/env python3
# One didChange with 4,000 one-character edits of a ~940 KB policy, then a request: how long
# until the answer. Usage: bench/lsp_edits.py target/release/amxc (run from the repository root).
import json, subprocess, sys, time, os
exe = sys.argv[1]
p = subprocess.Popen([exe, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def send(m):
    b = json.dumps(m).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b); p.stdin.flush()
def recv():
    n = 0
    while True:
        l = p.stdout.readline()
        if l in (b"\r\n", b""): break
        if l.lower().startswith(b"content-length"): n = int(l.split(b":")[1])
    return json.loads(p.stdout.read(n))
send({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}); recv()
send({"jsonrpc":"2.0","method":"initialized","params":{}})
text = open("policies/symantec-mail-security.amx").read()
text = text + ("// padding line\n" * 60000)
uri = "file:///tmp/x/p.amx"
send({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":uri,"languageId":"amx","version":1,"text":text}}})
recv()
changes = [{"range":{"start":{"line":100+i,"character":0},"end":{"line":100+i,"character":0}},"text":"x"} for i in range(4000)]
t = time.time()
send({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":uri,"version":2},"contentChanges":changes}})
send({"jsonrpc":"2.0","id":2,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":uri}}})
while True:
    m = recv()
    if m.get("id") == 2: break
print("4000 changes of one message on a %d KB policy, then a request answered: %.2f s" % (len(text)//1024, time.time()-t))
send({"jsonrpc":"2.0","id":3,"method":"shutdown"}); recv(); send({"jsonrpc":"2.0","method":"exit"})
