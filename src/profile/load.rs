//! Reading a target profile and checking it against the matrix and the policy.

use super::{is_plain_folder_name, Target};
use crate::ast::{Date, Policy};
use crate::diagnostic::{codes, Diagnostic, Staged};
use crate::engine::windows::{PowerShell, BUILTIN_VARIABLES};
use crate::matrix::Matrix;
use crate::source::{FileId, Span};
use crate::yaml::{self, Fields, Node};
use indexmap::IndexMap;

pub const MAX_TARGET_BYTES: usize = 4 * 1024 * 1024;

const KEYS: &str = "`server`, `amx`, `version`, one key per matrix dimension, `components`, `management_ip`, `drives`, `system_drive`, `paths`, `os`, `powershell`, `engine` and `cluster`";

pub(super) fn schema(
    file: FileId,
    span: Span,
    msg: impl Into<String>,
    help: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(codes::TARGET_SCHEMA, msg)
        .at(file, span, "here")
        .with_help(help)
}

/// A key's single value, or a diagnostic that says it must be one.
pub(super) fn single(
    file: FileId,
    n: &Node,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    match n.as_scalar() {
        Some(s) if !n.is_null() => Some(s.to_string()),
        _ => {
            out.push(schema(
                file,
                n.span,
                format!("`{what}` must be a single value, found {}", n.describe()),
                "write a scalar",
            ));
            None
        }
    }
}

/// One target profile being read: its keys, and what reading them found wrong.
struct Reader<'a> {
    file: FileId,
    root: &'a Node,
    f: Fields<'a>,
    out: Vec<Diagnostic>,
}

/// Each dimension's value index and where it is given (the mapping when it is not).
struct DimValues {
    dims: IndexMap<String, String>,
    values: Vec<Option<usize>>,
    spans: Vec<Span>,
}

/// Load and check a target profile for `policy` under `matrix`.
pub fn load(file: FileId, text: &str, policy: &Policy, m: &Matrix) -> Staged<Target> {
    if text.len() > MAX_TARGET_BYTES {
        return Staged::fail(
            Diagnostic::new(codes::TOO_LARGE, "target profile is larger than 4 MiB").at(
                file,
                Span::new(0, 0),
                "this file",
            ),
        );
    }
    let root = match yaml::load(file, text, codes::TARGET_SYNTAX) {
        Ok(r) => r,
        Err(d) => return Staged::fail(d),
    };
    let Some(entries) = root.as_map() else {
        return Staged::fail(schema(
            file,
            root.span,
            format!("a target profile is a mapping, found {}", root.describe()),
            format!("its keys are {KEYS}"),
        ));
    };
    let mut r = Reader {
        file,
        root: &root,
        f: Fields::new(entries),
        out: Vec::new(),
    };
    // each key in turn, in the order its findings are reported
    let (server, server_span) = r.server();
    r.module(policy);
    let release = r.release(policy, m);
    let dims = r.dimensions(m);
    let components = r.components(m);
    let management_ip = r.management_ip();
    let (drives, drives_span, system_drive) = r.drives();
    let paths = r.paths(policy);
    let os = r.os(m);
    let powershell = r.powershell();
    let engine = r.engine();
    let cluster = r.cluster();
    r.leftovers();
    if let Some(rel) = release {
        r.support(policy, m, rel, &dims);
    }
    let out = r.out;
    if out.iter().any(Diagnostic::is_error) {
        return Staged::failed(out);
    }
    let Some(release) = release else {
        return Staged::failed(out);
    };
    Staged::new(
        Some(Target {
            file,
            server,
            server_span,
            release,
            dims: dims.dims,
            components,
            management_ip,
            drives,
            drives_span,
            system_drive,
            paths,
            os,
            powershell,
            engine,
            cluster,
        }),
        out,
    )
}

impl Reader<'_> {
    fn scalar(&mut self, n: &Node, what: &str) -> Option<String> {
        single(self.file, n, what, &mut self.out)
    }

    /// `server`: the computer name, a plain folder name (it names the output folder).
    fn server(&mut self) -> (String, Span) {
        // the name given as one value (an empty one, `server: ""`, included: it would name no
        // folder of its own); a missing or malformed one is reported as such
        let (given, server_span) = match self.f.get("server") {
            Some(n) => (self.scalar(n, "server"), n.span),
            None => {
                self.out.push(schema(
                    self.file,
                    self.root.span,
                    "the target profile has no `server`",
                    "add `server: <computer name>`",
                ));
                (None, self.root.span)
            }
        };
        let named = given.is_some();
        let server = given.unwrap_or_default();
        if named && !is_plain_folder_name(&server) {
            self.out.push(
                Diagnostic::new(codes::INVALID_SERVER_NAME, format!("server name `{}` is not a plain folder name", server.escape_debug()))
                    .at(self.file, server_span, "used as the output folder's name")
                    .with_help("use the computer name: letters, digits, `-`, `_` and `.`, not `..`, not a reserved name such as CON or NUL"),
            );
        }
        (server, server_span)
    }

    /// `amx`: the module the profile is for, when given.
    fn module(&mut self, policy: &Policy) {
        if let Some(n) = self.f.get("amx") {
            if let Some(a) = self.scalar(n, "amx") {
                if a != policy.id.text {
                    self.out.push(
                        Diagnostic::new(
                            codes::TARGET_MISMATCH,
                            format!("the target profile is for `{a}`, not `{}`", policy.id.text),
                        )
                        .at(self.file, n.span, "another module")
                        .with_label(
                            policy.file,
                            policy.id.span,
                            "the policy compiled",
                        ),
                    );
                }
            }
        }
    }

    /// `version`: a release of the policy and of the matrix.
    fn release(&mut self, policy: &Policy, m: &Matrix) -> Option<Date> {
        let mut release = None;
        match self.f.get("version") {
            Some(n) => {
                if let Some(t) = self.scalar(n, "version") {
                    match Date::parse(&t, n.span) {
                        None => self.out.push(schema(
                            self.file,
                            n.span,
                            format!("`{t}` is not a release version"),
                            "write the installed release's date, e.g. 2007-07-11",
                        )),
                        Some(d) => {
                            let in_policy = policy
                                .versions
                                .iter()
                                .any(|v| v.value.iter().any(|x| x.key() == d.key()));
                            if m.release(&d).is_none() || !in_policy {
                                let listed: Vec<String> = policy
                                    .versions
                                    .iter()
                                    .flat_map(|v| v.value.iter().map(|x| x.to_string()))
                                    .collect();
                                self.out.push(
                                    Diagnostic::new(
                                        codes::TARGET_VALUE,
                                        format!(
                                            "release {d} is not a release of `{}`",
                                            policy.id.text
                                        ),
                                    )
                                    .at(self.file, n.span, "unknown release")
                                    .with_help(format!(
                                        "the policy's releases are {}",
                                        listed.join(", ")
                                    )),
                                );
                            } else {
                                release = Some(d);
                            }
                        }
                    }
                }
            }
            None => self.out.push(schema(
                self.file,
                self.root.span,
                "the target profile has no `version`",
                "add `version: <installed release>`, e.g. 2007-07-11",
            )),
        }
        release
    }

    /// A value of each dimension of the matrix.
    fn dimensions(&mut self, m: &Matrix) -> DimValues {
        let mut dims = IndexMap::new();
        let mut dim_values: Vec<Option<usize>> = Vec::new();
        let mut dim_spans: Vec<Span> = Vec::new();
        for d in &m.dimensions {
            match self.f.get(&d.name) {
                None => {
                    self.out.push(schema(
                        self.file,
                        self.root.span,
                        format!(
                            "the target profile gives no value for dimension `{}`",
                            d.name
                        ),
                        format!("add `{}:` with one of {}", d.name, d.domain()),
                    ));
                    dim_values.push(None);
                    dim_spans.push(self.root.span);
                }
                Some(n) => {
                    dim_spans.push(n.span);
                    let Some(t) = self.scalar(n, &d.name) else {
                        dim_values.push(None);
                        continue;
                    };
                    match d.value_index(&t) {
                        Some(i) => {
                            dims.insert(d.name.clone(), d.values[i].text.clone());
                            dim_values.push(Some(i));
                        }
                        None => {
                            self.out.push(
                                Diagnostic::new(
                                    codes::TARGET_VALUE,
                                    format!("`{t}` is not a value of dimension `{}`", d.name),
                                )
                                .at(self.file, n.span, "not in the matrix")
                                .with_label(
                                    m.file,
                                    d.span,
                                    format!("`{}` is declared here with {}", d.name, d.domain()),
                                ),
                            );
                            dim_values.push(None);
                        }
                    }
                }
            }
        }
        DimValues {
            dims,
            values: dim_values,
            spans: dim_spans,
        }
    }

    /// `components`: names of the matrix's components, each once.
    fn components(&mut self, m: &Matrix) -> Vec<String> {
        let mut components = Vec::new();
        if let Some(n) = self.f.get("components") {
            match n.scalar_or_list() {
                Some(items) if !n.is_null() => {
                    for (c, span) in items {
                        if m.component(c).is_none() {
                            let known: Vec<&str> =
                                m.components.iter().map(|c| c.name.as_str()).collect();
                            self.out.push(
                                Diagnostic::new(
                                    codes::TARGET_VALUE,
                                    format!("`{c}` is not a component of the version matrix"),
                                )
                                .at(self.file, span, "unknown component")
                                .with_help(if known.is_empty() {
                                    "the matrix declares no components".to_string()
                                } else {
                                    format!("the matrix declares {}", known.join(", "))
                                }),
                            );
                        } else if !components.iter().any(|x| x == c) {
                            components.push(c.to_string());
                        }
                    }
                }
                _ if n.is_null() => {}
                _ => self.out.push(schema(
                    self.file,
                    n.span,
                    "`components` must be a list of component names",
                    "e.g. `components: [self.file-level-av]`",
                )),
            }
        }
        components
    }

    /// `management_ip`: the passive's management IP address, or none.
    fn management_ip(&mut self) -> Option<String> {
        let mut management_ip = None;
        if let Some(n) = self.f.get("management_ip") {
            if !n.is_null() {
                if let Some(t) = self.scalar(n, "management_ip") {
                    if t.parse::<std::net::IpAddr>().is_err() {
                        self.out.push(schema(self.file, n.span, format!("`{t}` is not an IP address"), "write the passive's management IP, e.g. 192.0.2.10, or null when it has none"));
                    } else {
                        management_ip = Some(t);
                    }
                }
            }
        }
        management_ip
    }

    /// `system_drive` and `drives`: letters, the system drive among the drives, sorted.
    fn drives(&mut self) -> (Vec<char>, Span, String) {
        let mut system_drive = "C:".to_string();
        if let Some(n) = self.f.get("system_drive") {
            if let Some(t) = self.scalar(n, "system_drive") {
                match drive_letter(&t) {
                    Some(c) => system_drive = format!("{c}:"),
                    None => self.out.push(schema(
                        self.file,
                        n.span,
                        format!("`{t}` is not a drive letter"),
                        "write e.g. `C:`",
                    )),
                }
            }
        }
        let sd = system_drive.chars().next().unwrap_or('C');
        let mut drives = Vec::new();
        let mut drives_span = self.root.span;
        match self.f.get("drives") {
            Some(n) => {
                drives_span = n.span;
                match n.scalar_or_list() {
                    Some(items) => {
                        for (t, span) in items {
                            match drive_letter(t) {
                                Some(c) if !drives.contains(&c) => drives.push(c),
                                Some(_) => {}
                                None => self.out.push(schema(
                                    self.file,
                                    span,
                                    format!("`{t}` is not a drive letter"),
                                    "write letters such as C or E",
                                )),
                            }
                        }
                    }
                    None => self.out.push(schema(
                        self.file,
                        n.span,
                        "`drives` must be a list of drive letters",
                        "e.g. `drives: [C, E]`",
                    )),
                }
            }
            None => drives.push(sd),
        }
        if !drives.contains(&sd) {
            drives.push(sd);
        }
        drives.sort_unstable();
        (drives, drives_span, system_drive)
    }

    /// `paths`: each key names a path variable of the policy or a built-in one.
    fn paths(&mut self, policy: &Policy) -> IndexMap<String, String> {
        let mut paths = IndexMap::new();
        let declared = policy_variables(policy);
        let known: Vec<String> = declared
            .iter()
            .cloned()
            .chain(BUILTIN_VARIABLES.iter().map(|b| b.to_string()))
            .collect();
        if let Some(n) = self.f.get("paths") {
            match n.as_map() {
                Some(entries) => {
                    for (k, v) in entries {
                        let (Some(name), Some(value)) =
                            (self.scalar(k, "a path variable"), self.scalar(v, "a path"))
                        else {
                            continue;
                        };
                        if !known.iter().any(|v| v.eq_ignore_ascii_case(&name)) {
                            let mut d = Diagnostic::new(
                                codes::UNKNOWN_PATH_OVERRIDE,
                                format!("the policy has no path variable `{name}`"),
                            )
                            .at(self.file, k.span, "overrides nothing");
                            d = match crate::diagnostic::closest(&name, &known) {
                                Some(best) => d.with_suggestion(self.file, k.span, &best),
                                None => d.with_help(format!(
                                    "the policy's path variables are {}",
                                    declared.join(", ")
                                )),
                            };
                            self.out.push(d);
                            continue;
                        }
                        paths.insert(name, value);
                    }
                }
                None if n.is_null() => {}
                None => self.out.push(schema(
                    self.file,
                    n.span,
                    "`paths` must map variable names to absolute paths",
                    "e.g. `Install: 'E:\\App'`",
                )),
            }
        }
        paths
    }

    /// `os`: the Windows release, when the matrix has no `os` dimension.
    fn os(&mut self, m: &Matrix) -> Option<String> {
        if m.dimension("os").is_some() {
            return None;
        }
        let n = self.f.get("os")?;
        self.scalar(n, "os")
    }

    /// `powershell`: the Windows PowerShell the server has.
    fn powershell(&mut self) -> Option<PowerShell> {
        let n = self.f.get("powershell")?;
        let t = self.scalar(n, "powershell")?;
        let p = PowerShell::parse(&t);
        if p.is_none() {
            self.out.push(schema(
                self.file,
                n.span,
                format!("`{t}` is not a Windows PowerShell version"),
                "write the version the server has, such as \"2.0\" or \"5.1\", or `none`",
            ));
        }
        p
    }

    /// `engine`: the HA engine the server runs, with where it is given.
    fn engine(&mut self) -> Option<(&'static dyn crate::engine::Engine, Span)> {
        let n = self.f.get("engine")?;
        let t = self.scalar(n, "engine")?;
        let e = crate::engine::by_name(&t);
        if e.is_none() {
            self.out.push(schema(
                self.file,
                n.span,
                format!("`{t}` is not an HA engine amxc knows"),
                format!("the engines are {}", crate::engine::names()),
            ));
        }
        e.map(|e| (e, n.span))
    }

    /// `cluster`: the failover-cluster role (`profile/cluster.rs`).
    fn cluster(&mut self) -> Option<super::cluster::ClusterSpec> {
        let n = self.f.get("cluster").filter(|n| !n.is_null())?;
        super::cluster::read(self.file, n, &mut self.out)
    }

    /// Keys no reader asked for, and keys given twice.
    fn leftovers(&mut self) {
        for (key, span) in self.f.unknown() {
            self.out.push(schema(
                self.file,
                span,
                format!("unknown key `{key}` in the target profile"),
                format!("the keys are {KEYS}"),
            ));
        }
        for (key, first, second) in self.f.duplicates() {
            self.out.push(
                Diagnostic::new(codes::TARGET_SCHEMA, format!("key `{key}` is given twice"))
                    .at(self.file, second, "given again here")
                    .with_label(self.file, first, "first given here"),
            );
        }
    }

    /// Support and platform, once the release and every dimension's value are known.
    fn support(&mut self, policy: &Policy, m: &Matrix, rel: Date, dims: &DimValues) {
        let Some(values) = dims.values.iter().copied().collect::<Option<Vec<usize>>>() else {
            return;
        };
        let r = m.release(&rel).unwrap_or(0);
        for (d, &v) in values.iter().enumerate() {
            let dim = &m.dimensions[d];
            let by_release = m.releases[r]
                .supports
                .allowed_for(d)
                .is_none_or(|a| a.contains(&v));
            let claims: Vec<usize> = policy
                .supports
                .iter()
                .filter(|s| s.value.dimension.text == dim.name)
                .flat_map(|s| {
                    s.value
                        .values
                        .iter()
                        .filter_map(|x| dim.value_index(&x.text))
                })
                .collect();
            let by_policy = claims.is_empty() || claims.contains(&v);
            if !by_release || !by_policy {
                let who = if !by_release {
                    format!("release {rel}")
                } else {
                    format!("policy `{}`", policy.id.text)
                };
                self.out.push(
                    Diagnostic::new(
                        codes::TARGET_UNSUPPORTED,
                        format!(
                            "{who} does not support `{} {}`",
                            dim.name, dim.values[v].text
                        ),
                    )
                    .at(self.file, dims.spans[d], "unsupported value")
                    .with_help(
                        "install a release that supports this server, or correct the profile",
                    ),
                );
            }
        }
        if !m.platform_exists(&values) {
            let desc: Vec<String> = m
                .dimensions
                .iter()
                .zip(&values)
                .map(|(d, &v)| format!("{} {}", d.name, d.values[v].text))
                .collect();
            self.out.push(
                Diagnostic::new(codes::TARGET_PLATFORM, format!("no platform combination has {}", desc.join(", ")))
                    .at(self.file, self.root.span, "this server's values")
                    .with_help("the matrix's `platforms` lists the combinations that exist; correct the profile"),
            );
        }
    }
}

fn drive_letter(t: &str) -> Option<char> {
    let t = t.trim().trim_end_matches('\\');
    let t = t.strip_suffix(':').unwrap_or(t);
    let mut cs = t.chars();
    let c = cs.next()?;
    (cs.next().is_none() && c.is_ascii_alphabetic()).then(|| c.to_ascii_uppercase())
}

/// The path variables the policy declares, base and exceptions, in order, each once.
fn policy_variables(policy: &Policy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in policy.path_definitions() {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&p.name.text)) {
            out.push(p.name.text.clone());
        }
    }
    out
}
