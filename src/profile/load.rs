//! Reading a target profile and checking it against the matrix and the policy.

use super::{is_plain_folder_name, Target};
use crate::ast::{Date, Policy};
use crate::diagnostic::{codes, Diagnostic, Staged};
use crate::engine::windows::BUILTIN_VARIABLES;
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

/// Load and check a target profile for `policy` under `matrix`.
pub fn load(file: FileId, text: &str, policy: &Policy, m: &Matrix) -> Staged<Target> {
    let mut out = Vec::new();
    if text.len() > MAX_TARGET_BYTES {
        out.push(
            Diagnostic::new(codes::TOO_LARGE, "target profile is larger than 4 MiB").at(
                file,
                Span::new(0, 0),
                "this file",
            ),
        );
        return Staged::failed(out);
    }
    let root = match yaml::load(file, text, codes::TARGET_SYNTAX) {
        Ok(r) => r,
        Err(d) => return Staged::fail(d),
    };
    let Some(entries) = root.as_map() else {
        out.push(schema(
            file,
            root.span,
            format!("a target profile is a mapping, found {}", root.describe()),
            format!("its keys are {KEYS}"),
        ));
        return Staged::failed(out);
    };
    let mut f = Fields::new(entries);
    let scalar = |n: &Node, what: &str, out: &mut Vec<Diagnostic>| single(file, n, what, out);
    // server
    let (server, server_span) = match f.get("server") {
        Some(n) => (scalar(n, "server", &mut out).unwrap_or_default(), n.span),
        None => {
            out.push(schema(
                file,
                root.span,
                "the target profile has no `server`",
                "add `server: <computer name>`",
            ));
            (String::new(), root.span)
        }
    };
    if !server.is_empty() && !is_plain_folder_name(&server) {
        out.push(
            Diagnostic::new(codes::INVALID_SERVER_NAME, format!("server name `{}` is not a plain folder name", server.escape_debug()))
                .at(file, server_span, "used as the output folder's name")
                .with_help("use the computer name: letters, digits, `-`, `_` and `.`, not `..`, not a reserved name such as CON or NUL"),
        );
    }
    if let Some(n) = f.get("amx") {
        if let Some(a) = scalar(n, "amx", &mut out) {
            if a != policy.id.text {
                out.push(
                    Diagnostic::new(
                        codes::TARGET_MISMATCH,
                        format!("the target profile is for `{a}`, not `{}`", policy.id.text),
                    )
                    .at(file, n.span, "another module")
                    .with_label(
                        policy.file,
                        policy.id.span,
                        "the policy compiled",
                    ),
                );
            }
        }
    }
    // release
    let mut release = None;
    match f.get("version") {
        Some(n) => {
            if let Some(t) = scalar(n, "version", &mut out) {
                match Date::parse(&t, n.span) {
                    None => out.push(schema(
                        file,
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
                            out.push(
                                Diagnostic::new(
                                    codes::TARGET_VALUE,
                                    format!("release {d} is not a release of `{}`", policy.id.text),
                                )
                                .at(file, n.span, "unknown release")
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
        None => out.push(schema(
            file,
            root.span,
            "the target profile has no `version`",
            "add `version: <installed release>`, e.g. 2007-07-11",
        )),
    }
    // dimensions
    let mut dims = IndexMap::new();
    let mut dim_values: Vec<Option<usize>> = Vec::new();
    let mut dim_spans: Vec<Span> = Vec::new();
    for d in &m.dimensions {
        match f.get(&d.name) {
            None => {
                out.push(schema(
                    file,
                    root.span,
                    format!(
                        "the target profile gives no value for dimension `{}`",
                        d.name
                    ),
                    format!("add `{}:` with one of {}", d.name, d.domain()),
                ));
                dim_values.push(None);
                dim_spans.push(root.span);
            }
            Some(n) => {
                dim_spans.push(n.span);
                let Some(t) = scalar(n, &d.name, &mut out) else {
                    dim_values.push(None);
                    continue;
                };
                match d.value_index(&t) {
                    Some(i) => {
                        dims.insert(d.name.clone(), d.values[i].text.clone());
                        dim_values.push(Some(i));
                    }
                    None => {
                        out.push(
                            Diagnostic::new(
                                codes::TARGET_VALUE,
                                format!("`{t}` is not a value of dimension `{}`", d.name),
                            )
                            .at(file, n.span, "not in the matrix")
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
    // components
    let mut components = Vec::new();
    if let Some(n) = f.get("components") {
        match n.scalar_or_list() {
            Some(items) if !n.is_null() => {
                for (c, span) in items {
                    if m.component(c).is_none() {
                        let known: Vec<&str> =
                            m.components.iter().map(|c| c.name.as_str()).collect();
                        out.push(
                            Diagnostic::new(
                                codes::TARGET_VALUE,
                                format!("`{c}` is not a component of the version matrix"),
                            )
                            .at(file, span, "unknown component")
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
            _ => out.push(schema(
                file,
                n.span,
                "`components` must be a list of component names",
                "e.g. `components: [file-level-av]`",
            )),
        }
    }
    // management IP
    let mut management_ip = None;
    if let Some(n) = f.get("management_ip") {
        if !n.is_null() {
            if let Some(t) = scalar(n, "management_ip", &mut out) {
                if t.parse::<std::net::IpAddr>().is_err() {
                    out.push(schema(file, n.span, format!("`{t}` is not an IP address"), "write the passive's management IP, e.g. 192.0.2.10, or null when it has none"));
                } else {
                    management_ip = Some(t);
                }
            }
        }
    }
    // drives
    let mut system_drive = "C:".to_string();
    if let Some(n) = f.get("system_drive") {
        if let Some(t) = scalar(n, "system_drive", &mut out) {
            match drive_letter(&t) {
                Some(c) => system_drive = format!("{c}:"),
                None => out.push(schema(
                    file,
                    n.span,
                    format!("`{t}` is not a drive letter"),
                    "write e.g. `C:`",
                )),
            }
        }
    }
    let sd = system_drive.chars().next().unwrap_or('C');
    let mut drives = Vec::new();
    let mut drives_span = root.span;
    match f.get("drives") {
        Some(n) => {
            drives_span = n.span;
            match n.scalar_or_list() {
                Some(items) => {
                    for (t, span) in items {
                        match drive_letter(t) {
                            Some(c) if !drives.contains(&c) => drives.push(c),
                            Some(_) => {}
                            None => out.push(schema(
                                file,
                                span,
                                format!("`{t}` is not a drive letter"),
                                "write letters such as C or E",
                            )),
                        }
                    }
                }
                None => out.push(schema(
                    file,
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
    // paths: each key must name a variable of the policy or a built-in one
    let mut paths = IndexMap::new();
    let declared = policy_variables(policy);
    let known: Vec<String> = declared
        .iter()
        .cloned()
        .chain(BUILTIN_VARIABLES.iter().map(|b| b.to_string()))
        .collect();
    if let Some(n) = f.get("paths") {
        match n.as_map() {
            Some(entries) => {
                for (k, v) in entries {
                    let (Some(name), Some(value)) = (
                        scalar(k, "a path variable", &mut out),
                        scalar(v, "a path", &mut out),
                    ) else {
                        continue;
                    };
                    if !known.iter().any(|v| v.eq_ignore_ascii_case(&name)) {
                        let mut d = Diagnostic::new(
                            codes::UNKNOWN_PATH_OVERRIDE,
                            format!("the policy has no path variable `{name}`"),
                        )
                        .at(file, k.span, "overrides nothing");
                        d = match crate::diagnostic::closest(&name, &known) {
                            Some(best) => d.with_suggestion(file, k.span, &best),
                            None => d.with_help(format!(
                                "the policy's path variables are {}",
                                declared.join(", ")
                            )),
                        };
                        out.push(d);
                        continue;
                    }
                    paths.insert(name, value);
                }
            }
            None if n.is_null() => {}
            None => out.push(schema(
                file,
                n.span,
                "`paths` must map variable names to absolute paths",
                "e.g. `Install: 'E:\\App'`",
            )),
        }
    }
    let os = if m.dimension("os").is_none() {
        f.get("os").and_then(|n| scalar(n, "os", &mut out))
    } else {
        None
    };
    let mut powershell = None;
    if let Some(n) = f.get("powershell") {
        if let Some(t) = scalar(n, "powershell", &mut out) {
            match crate::engine::windows::PowerShell::parse(&t) {
                Some(p) => powershell = Some(p),
                None => out.push(schema(
                    file,
                    n.span,
                    format!("`{t}` is not a Windows PowerShell version"),
                    "write the version the server has, such as \"2.0\" or \"5.1\", or `none`",
                )),
            }
        }
    }
    let mut engine = None;
    if let Some(n) = f.get("engine") {
        if let Some(t) = scalar(n, "engine", &mut out) {
            match crate::engine::by_name(&t) {
                Some(e) => engine = Some((e, n.span)),
                None => out.push(schema(
                    file,
                    n.span,
                    format!("`{t}` is not an HA engine amxc knows"),
                    format!("the engines are {}", crate::engine::names()),
                )),
            }
        }
    }
    let cluster = f
        .get("cluster")
        .filter(|n| !n.is_null())
        .and_then(|n| super::cluster::read(file, n, &mut out));
    for (key, span) in f.unknown() {
        out.push(schema(
            file,
            span,
            format!("unknown key `{key}` in the target profile"),
            format!("the keys are {KEYS}"),
        ));
    }
    for (key, first, second) in f.duplicates() {
        out.push(
            Diagnostic::new(codes::TARGET_SCHEMA, format!("key `{key}` is given twice"))
                .at(file, second, "given again here")
                .with_label(file, first, "first given here"),
        );
    }
    // support and platform, once every value is known
    if let (Some(rel), true) = (release, dim_values.iter().all(Option::is_some)) {
        let values: Vec<usize> = dim_values.iter().map(|v| v.unwrap_or(0)).collect();
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
                out.push(
                    Diagnostic::new(
                        codes::TARGET_UNSUPPORTED,
                        format!(
                            "{who} does not support `{} {}`",
                            dim.name, dim.values[v].text
                        ),
                    )
                    .at(file, dim_spans[d], "unsupported value")
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
            out.push(
                Diagnostic::new(codes::TARGET_PLATFORM, format!("no platform combination has {}", desc.join(", ")))
                    .at(file, root.span, "this server's values")
                    .with_help("the matrix's `platforms` lists the combinations that exist; correct the profile"),
            );
        }
    }
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
            dims,
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
