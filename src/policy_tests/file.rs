//! A test file (`NAME.amxtest.yaml`), read with the YAML reader every input uses, so that each
//! assertion keeps its line:
//!
//! ```yaml
//! policy: symantec-mail-security.amx        # relative to this file
//! matrix: other.versions.yaml               # optional: else the one beside the policy
//! tests:
//!   - name: EXCH01 replicates the settings and not the temporary files
//!     target: targets/symantec-mail-security/EXCH01.yaml
//!     replicated: ['C:\Program Files (x86)\Symantec\SMSMSE\6.0\Server\settings.xml']
//!     excluded: ['…']
//!     unprotected: ['…']
//!     outside: ['…']
//!     services: [SMSMSE]                    # protected on the server
//!     not_services: [SAVFMSESpamStatsManager]
//!     starts_before: [[SMSMSE, BMISFA]]
//!     findings: [AMX0309]                   # reported (the policy's check and the server's)
//!     no_findings: [AMX0317]
//!   - name: any 64-bit Exchange 2007 server
//!     configuration: { version: 2007-07-11, exchange: "2007", arch: x64, app: "6.0",
//!                      heartbeat: "6.0", management_ip: false, components: [file-level-av] }
//!     …
//! ```

use crate::coverage::Class;
use crate::diagnostic::{codes, Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::yaml::{Fields, Node};

/// The server a test is about.
#[derive(Clone, Debug)]
pub enum Server {
    /// A target profile, relative to the test file.
    Target(String, Span),
    /// One configuration of the matrix, as a target profile's keys (`version`, the dimensions,
    /// `components`, `management_ip`, `engine`), with the line of the mapping.
    Configuration(Vec<(String, String)>, Span),
}

#[derive(Clone, Debug)]
pub enum Assertion {
    /// A path or registry key and what it must be.
    Class(Class, String),
    /// A service protected (`true`) or not.
    Service(String, bool),
    /// The first starts before the second.
    StartsBefore(String, String),
    /// A finding reported (`true`) or not.
    Finding(Code, bool),
}

#[derive(Clone, Debug)]
pub struct Asserted {
    pub what: Assertion,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub server: Server,
    pub assertions: Vec<Asserted>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TestFile {
    pub policy: Option<(String, Span)>,
    pub matrix: Option<(String, Span)>,
    pub tests: Vec<Case>,
}

fn bad(file: FileId, span: Span, msg: impl Into<String>, help: &str) -> Diagnostic {
    Diagnostic::new(codes::TEST_FILE, msg)
        .at(file, span, "here")
        .with_help(help.to_string())
}

/// A scalar, or a diagnostic.
fn scalar(file: FileId, n: &Node, what: &str, out: &mut Vec<Diagnostic>) -> Option<String> {
    match n.as_scalar() {
        Some(s) => Some(s.to_string()),
        None => {
            out.push(bad(
                file,
                n.span,
                format!("{what} must be a single value, found {}", n.describe()),
                "write one value",
            ));
            None
        }
    }
}

/// A list of scalars (a single value counts as a list of one).
fn list<'a>(
    file: FileId,
    n: &'a Node,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Vec<(&'a str, Span)> {
    match n.scalar_or_list() {
        Some(items) => items,
        None => {
            out.push(bad(
                file,
                n.span,
                format!("`{what}` must be a value or a list of values"),
                "write `[a, b]`",
            ));
            Vec::new()
        }
    }
}

const CASE_KEYS: &str = "`name`, `target` or `configuration`, `replicated`, `excluded`, `unprotected`, `outside`, `services`, `not_services`, `starts_before`, `findings`, `no_findings`";

fn case(file: FileId, n: &Node, out: &mut Vec<Diagnostic>) -> Option<Case> {
    let Some(entries) = n.as_map() else {
        out.push(bad(
            file,
            n.span,
            format!("a test must be a mapping, found {}", n.describe()),
            "give `name`, a `target` or `configuration`, and assertions",
        ));
        return None;
    };
    let mut f = Fields::new(entries);
    let name = match f.get("name") {
        Some(v) => scalar(file, v, "`name`", out)?,
        None => {
            out.push(bad(
                file,
                n.span,
                "a test has no `name`",
                "add `name: what it shows`",
            ));
            return None;
        }
    };
    let server = match (f.get("target"), f.get("configuration")) {
        (Some(t), None) => Server::Target(scalar(file, t, "`target`", out)?, t.span),
        (None, Some(c)) => {
            let Some(entries) = c.as_map() else {
                out.push(bad(
                    file,
                    c.span,
                    "`configuration` must map a profile's keys to values",
                    "write `{ version: 2007-07-11, arch: x64, … }`",
                ));
                return None;
            };
            let mut keys = Vec::new();
            for (k, v) in entries {
                let key = scalar(file, k, "a key", out)?;
                let value = match v.as_seq() {
                    Some(items) => {
                        let words: Vec<String> = items
                            .iter()
                            .filter_map(|i| i.as_scalar().map(str::to_string))
                            .collect();
                        format!("[{}]", words.join(", "))
                    }
                    None => scalar(file, v, &format!("`{key}`"), out)?,
                };
                keys.push((key, value));
            }
            Server::Configuration(keys, c.span)
        }
        (Some(t), Some(_)) => {
            out.push(bad(
                file,
                t.span,
                format!("test `{name}` names both a `target` and a `configuration`"),
                "keep one",
            ));
            return None;
        }
        (None, None) => {
            out.push(bad(
                file,
                n.span,
                format!("test `{name}` names no server"),
                "give `target: PROFILE.yaml` or `configuration: { … }`",
            ));
            return None;
        }
    };
    let mut assertions = Vec::new();
    for (key, class) in [
        ("replicated", Class::Replicated),
        ("excluded", Class::Excluded),
        ("unprotected", Class::Unprotected),
        ("outside", Class::Outside),
    ] {
        if let Some(v) = f.get(key) {
            for (p, span) in list(file, v, key, out) {
                assertions.push(Asserted {
                    what: Assertion::Class(class, p.to_string()),
                    span,
                });
            }
        }
    }
    for (key, want) in [("services", true), ("not_services", false)] {
        if let Some(v) = f.get(key) {
            for (s, span) in list(file, v, key, out) {
                assertions.push(Asserted {
                    what: Assertion::Service(s.to_string(), want),
                    span,
                });
            }
        }
    }
    if let Some(v) = f.get("starts_before") {
        match v.as_seq() {
            Some(pairs) => {
                for p in pairs {
                    match p.as_seq().map(|x| {
                        x.iter()
                            .filter_map(|i| i.as_scalar().map(str::to_string))
                            .collect::<Vec<_>>()
                    }) {
                        Some(pair) if pair.len() == 2 => assertions.push(Asserted {
                            what: Assertion::StartsBefore(pair[0].clone(), pair[1].clone()),
                            span: p.span,
                        }),
                        _ => out.push(bad(
                            file,
                            p.span,
                            "each `starts_before` entry is a pair of services",
                            "write `[First, Then]`",
                        )),
                    }
                }
            }
            None => out.push(bad(
                file,
                v.span,
                "`starts_before` must be a list of pairs",
                "write `starts_before: [[First, Then]]`",
            )),
        }
    }
    for (key, want) in [("findings", true), ("no_findings", false)] {
        if let Some(v) = f.get(key) {
            for (c, span) in list(file, v, key, out) {
                match Code::parse(c) {
                    Some(code) => assertions.push(Asserted {
                        what: Assertion::Finding(code, want),
                        span,
                    }),
                    _ => out.push(bad(
                        file,
                        span,
                        format!("`{c}` is not an amxc diagnostic code"),
                        "`amxc explain --list` lists them",
                    )),
                }
            }
        }
    }
    for (key, span) in f.unknown() {
        out.push(bad(
            file,
            span,
            format!("unknown key `{key}` in test `{name}`"),
            &format!("the keys are {CASE_KEYS}"),
        ));
    }
    if assertions.is_empty() {
        out.push(bad(
            file,
            n.span,
            format!("test `{name}` asserts nothing"),
            "add `replicated`, `excluded`, `services`, `starts_before`, `findings` or another assertion",
        ));
    }
    Some(Case {
        name,
        server,
        assertions,
        span: n.span,
    })
}

/// Read a test file; its problems are AMX0700 diagnostics (the file is then not run).
pub fn read(file: FileId, text: &str) -> Result<TestFile, Vec<Diagnostic>> {
    let root = crate::yaml::load(file, text, codes::TEST_FILE).map_err(|d| vec![d])?;
    let mut out = Vec::new();
    let Some(entries) = root.as_map() else {
        return Err(vec![bad(
            file,
            root.span,
            "a test file must be a mapping",
            "give `policy:` and `tests:`",
        )]);
    };
    let mut f = Fields::new(entries);
    let mut t = TestFile {
        policy: None,
        matrix: None,
        tests: Vec::new(),
    };
    if let Some(p) = f.get("policy") {
        t.policy = scalar(file, p, "`policy`", &mut out).map(|s| (s, p.span));
    }
    if let Some(m) = f.get("matrix") {
        t.matrix = scalar(file, m, "`matrix`", &mut out).map(|s| (s, m.span));
    }
    match f.get("tests").map(|n| (n, n.as_seq())) {
        Some((_, Some(items))) => {
            for i in items {
                if let Some(c) = case(file, i, &mut out) {
                    t.tests.push(c);
                }
            }
        }
        Some((n, None)) => out.push(bad(
            file,
            n.span,
            "`tests` must be a list",
            "write each test as `- name: …`",
        )),
        None => out.push(bad(
            file,
            root.span,
            "the file has no `tests`",
            "add `tests:` with at least one test",
        )),
    }
    for (key, span) in f.unknown() {
        out.push(bad(
            file,
            span,
            format!("unknown key `{key}`"),
            "the keys are `policy`, `matrix` and `tests`",
        ));
    }
    if out.is_empty() {
        Ok(t)
    } else {
        Err(out)
    }
}
