#!/usr/bin/env python3
"""Generate large, valid amxc inputs for benchmarks.

  gen.py policy N OUT.amx        N filters, N/20 services, nested folders, conditions,
                                 exclusions inside inclusions, an exception; writes the
                                 matrix beside it (OUT.versions.yaml, 24 configurations)
  gen.py fleet K DIR             K target profiles for a policy made by `gen.py policy`
  gen.py seed-fleet K DIR        K target profiles for the shipped seed policy
  gen.py listing P N OUT.txt     P absolute paths, as `dir /s /b` prints, under N filters' folders
  gen.py components K U OUT.amx  a matrix of K optional components (2 x 2^K configurations) and
                                 a policy whose conditions name U of them (2^U distinct groups)
  gen.py distinct K OUT.amx      K optional components, one application version, and a policy
                                 whose conditions name every component and the management IP:
                                 2 x 2^K configurations, each a group of its own
  gen.py cedar N DIR             the N filters of `gen.py policy N` as N Cedar policies (a permit
                                 for an inclusion, a forbid for an exclusion, the folder as a
                                 `like` pattern, conditions on the context) and their schema:
                                 DIR/policies.cedar, DIR/schema.cedarschema (bench/cedar.sh)

Everything is deterministic: the same arguments give the same bytes.
"""
import os
import sys

MATRIX = """amx: bench
dimensions:
  app:       { kind: version, values: ["1.0", "2.0"] }
  arch:      { kind: enum,    values: [x86, x64] }
  heartbeat: { kind: version, values: ["5.3", "6.0"] }
  os:        { kind: version, values: ["2003", "2008"] }
components:
  av: "File-level anti-virus"
platforms:
  - { arch: x86, os: "2003" }
  - { arch: x64, os: ["2003", "2008"] }
versions:
  "2020-01-01":
    superseded_by: "2021-01-01"
  "2021-01-01": {}
"""


def bench_filters(n):
    """The N filters of the benchmark policy, in groups of 10: one recursive inclusion,
    sibling file inclusions in other folders, one exclusion inside the first inclusion; some
    conditional. Each as (kind, mode, root variable or None, folder, tail, what follows the
    pattern, condition or None): what `policy` and `cedar` both write, rule for rule."""
    for i in range(n):
        g, k = divmod(i, 10)
        root = "%Install%" if g % 2 == 0 else "%Data%"
        folder = f"area{g // 100}\\group{g}"
        if k == 0:
            yield "files", "include", root, f"{folder}\\main", "**", " as data", None
        elif k == 1:
            yield ("files", "exclude", root, f"{folder}\\main\\cache", "**",
                   ' because "rebuilt at start"', "heartbeat >= 5.3")
        elif k == 2:
            yield "registry", "include", None, f"HKLM\\SOFTWARE\\Bench\\g{g}", "**", " as config", None
        elif k == 3:
            yield "files", "include", root, f"{folder}\\logs", "*.log", " as log", None
        else:
            cond = "heartbeat >= 6.0" if k == 9 else None
            yield "files", "include", root, f"{folder}\\conf{k}", "*.xml", " as config", cond


def policy(n, out):
    services = max(1, n // 20)
    lines = [
        'amx "bench" {',
        '    title "Generated benchmark module"',
        '    application "Bench App" { bits 32 }',
        "    versions 2020-01-01, 2021-01-01",
        "    paths {",
        "        Install = '%ProgramFiles%\\Bench\\%app%'",
        "        Data    = 'D:\\BenchData'",
        "    }",
        "    services {",
        "        startup manual",
    ]
    for s in range(services):
        # after the one before, unless that one is conditional (it may not exist where this does)
        after = f" {{ after S{s - 1} }}" if s % 5 and s > 0 and (s - 1) % 7 != 3 else ""
        cond = " when app >= 2.0" if s % 7 == 3 else ""
        lines.append(f'        service S{s} "Bench service {s}"{cond}{after}')
    lines.append("    }")
    lines.append("    data {")
    for kind, mode, root, folder, tail, extra, cond in bench_filters(n):
        # (registry keys have no root variable; tails are the folder's own pattern)
        where = f"{root}\\{folder}" if root else folder
        when = f" when {cond}" if cond else ""
        lines.append(f"        {kind} {mode} '{where}\\{tail}'{extra}{when}")
    lines.append("        unprotected '%CommonProgramFiles%\\Bench Shared\\**' because \"updated on each server\"")
    lines.append("    }")
    lines += [
        "    tasks {",
        '        task "Refresh" {',
        "            at prestart",
        "            run '%Install%\\refresh.exe' \"-q\"",
        "            timeout 5m",
        "        }",
        "    }",
        "    exception 2020-01-01 {",
        '        note "The first release also protected the shared folder."',
        "        data { files include '%CommonProgramFiles%\\Bench Shared\\**' when not has(av) }",
        "    }",
        "    applies-to all",
        "}",
    ]
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(out[: -len(".amx")] + ".versions.yaml", "w") as f:
        f.write(MATRIX)


CEDAR_SCHEMA = """entity Role;
entity Server in [Role] { name: String, management_ip: String };
entity Folder in [Folder];
entity File in [Folder] { path: String, size: Long };
entity Hive in [Hive];
entity RegistryKey in [Hive] { path: String };
action replicate appliesTo {
  principal: [Server],
  resource: [File, RegistryKey],
  context: { app: Long, heartbeat: Long, os: Long, x64: Bool }
};
"""


def cedar(n, out):
    # the filters of policy(n), rule for rule: the same folders, kinds and conditions
    os.makedirs(out, exist_ok=True)
    roots = {"%Install%": "C:\\Program Files (x86)\\Bench\\*", "%Data%": "D:\\BenchData"}
    who = 'principal in Role::"replicators", action == Action::"replicate"'
    lines = []
    for i, (kind, mode, root, folder, tail, _, cond) in enumerate(bench_filters(n)):
        effect = "permit" if mode == "include" else "forbid"
        if kind == "registry":
            scope = 'RegistryKey in Hive::"HKLM"'
            path = folder.removeprefix("HKLM\\")
        else:
            group = folder.split("\\")[1]
            scope = f'File in Folder::"{group}"'
            path = f"{roots[root]}\\{folder}"
        like = f"{path}\\{tail.replace('**', '*')}".replace("\\", "\\\\")
        # a condition on the heartbeat release, as a number (5.3 -> 53)
        when = f" && context.heartbeat >= {cond.split()[-1].replace('.', '')}" if cond else ""
        lines.append(f'@id("f{i}") {effect}({who}, resource is {scope}) when {{ resource.path like "{like}"{when} }};')
    with open(os.path.join(out, "policies.cedar"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(out, "schema.cedarschema"), "w") as f:
        f.write(CEDAR_SCHEMA)


def fleet(k, out):
    os.makedirs(out, exist_ok=True)
    for i in range(k):
        x64 = i % 3 != 0
        with open(os.path.join(out, f"SRV{i:05}.yaml"), "w") as f:
            f.write(
                f"server: SRV{i:05}\namx: bench\nversion: 2021-01-01\napp: \"{'2.0' if i % 2 else '1.0'}\"\n"
                f"arch: {'x64' if x64 else 'x86'}\nheartbeat: \"6.0\"\nos: \"{'2008' if x64 else '2003'}\"\n"
                f"components: [{'av' if i % 4 else ''}]\nmanagement_ip: {'192.0.2.' + str(i % 250 + 1) if i % 2 else 'null'}\n"
                f"drives: [C, D]\n"
            )


def seed_fleet(k, out):
    """K target profiles for the shipped seed policy (symantec-mail-security)."""
    os.makedirs(out, exist_ok=True)
    for i in range(k):
        x64 = i % 3 != 0
        with open(os.path.join(out, f"S{i:05}.yaml"), "w") as f:
            f.write(
                f"server: S{i:05}\namx: symantec-mail-security\nversion: 2007-07-11\n"
                f"app: \"{'6.0' if i % 2 else '5.0'}\"\nexchange: \"{'2007' if x64 else '2003'}\"\n"
                f"arch: {'x64' if x64 else 'x86'}\nheartbeat: \"6.0\"\nos: \"{'2008' if x64 else '2003'}\"\n"
                f"components: [{'file-level-av' if i % 4 else ''}]\n"
                f"management_ip: {'192.0.2.1' if i % 2 else 'null'}\ndrives: [C]\n"
            )


def listing(p, n, out):
    groups = max(1, n // 10)
    with open(out, "w") as f:
        for i in range(p):
            g = i % groups
            root = "C:\\Program Files (x86)\\Bench\\2.0" if g % 2 == 0 else "D:\\BenchData"
            kind = i % 5
            if kind == 0:
                path = f"{root}\\area{g // 100}\\group{g}\\main\\db{i}.dat"
            elif kind == 1:
                path = f"{root}\\area{g // 100}\\group{g}\\main\\cache\\c{i}.tmp"
            elif kind == 2:
                path = f"{root}\\area{g // 100}\\group{g}\\logs\\app{i}.log"
            elif kind == 3:
                path = f"{root}\\area{g // 100}\\group{g}\\conf{4 + i % 6}\\settings{i}.xml"
            else:
                path = f"C:\\Windows\\Temp\\other{i}.txt"
            f.write(path + "\r\n")


def components(k, used, out, apps=("5.0", "6.0"), management=False):
    apps = ", ".join(f'"{a}"' for a in apps)
    m = ["amx: components", "dimensions:", f"  app: {{ kind: version, values: [{apps}] }}", "components:"]
    m += [f'  c{i}: "Component {i}"' for i in range(k)]
    m += ["versions:", '  "2007-07-11":', f"    supports: {{ app: [{apps}] }}"]
    with open(out[: -len(".amx")] + ".versions.yaml", "w") as f:
        f.write("\n".join(m) + "\n")
    p = ['amx "components" {', "    versions 2007-07-11", "    paths {", "        Install = 'C:\\App'", "    }", "    services {"]
    p += [f'        service S{i} "Service {i}" when has(c{i % used})' for i in range(k)]
    if management:
        p.append('        service M "Management" when management-ip')
    p += ["    }", "    data {"]
    for i in range(k):
        p.append(f"        files include '%Install%\\c{i}\\**' when has(c{i % used})")
        p.append(f"        files exclude '%Install%\\c{i}\\tmp\\**' when has(c{i % used}) and app >= 6.0")
    p += ["    }", "}"]
    with open(out, "w") as f:
        f.write("\n".join(p) + "\n")


def distinct(k, out):
    # one application version, every component named and the management IP read: each of the
    # 2 x 2^K configurations is a group of its own
    components(k, k, out, apps=("6.0",), management=True)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "policy":
        policy(int(sys.argv[2]), sys.argv[3])
    elif cmd == "fleet":
        fleet(int(sys.argv[2]), sys.argv[3])
    elif cmd == "seed-fleet":
        seed_fleet(int(sys.argv[2]), sys.argv[3])
    elif cmd == "components":
        components(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif cmd == "distinct":
        distinct(int(sys.argv[2]), sys.argv[3])
    elif cmd == "cedar":
        cedar(int(sys.argv[2]), sys.argv[3])
    elif cmd == "listing":
        listing(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
