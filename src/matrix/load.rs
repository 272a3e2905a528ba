//! Reading a version matrix from YAML, every problem pointing at its line and column.

use super::*;
use crate::diagnostic::{codes, Diagnostic, Staged};
use crate::yaml::{self, Fields, Node};
use std::path::{Path, PathBuf};

/// Largest matrix file accepted.
pub const MAX_MATRIX_BYTES: usize = 4 * 1024 * 1024;

/// `<dir>/<stem>.versions.yaml` beside a policy `<dir>/<stem>.amx`.
pub fn matrix_path_for(policy: &Path) -> PathBuf {
    let stem = policy
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    policy.with_file_name(format!("{stem}.versions.yaml"))
}

struct Loader {
    file: FileId,
    diags: Vec<Diagnostic>,
}

impl Loader {
    fn schema(&mut self, span: Span, msg: impl Into<String>, help: impl Into<String>) {
        let d = Diagnostic::new(codes::MATRIX_SCHEMA, msg)
            .at(self.file, span, "here")
            .with_help(help.into());
        self.diags.push(d);
    }

    fn inconsistent(&mut self, span: Span, msg: impl Into<String>, label: &str) -> Diagnostic {
        Diagnostic::new(codes::MATRIX_INCONSISTENT, msg).at(self.file, span, label.to_string())
    }

    /// A release's `engines`: names of HA engines, each known and listed once.
    fn engines(
        &mut self,
        node: &Node,
        what: &str,
    ) -> Option<Vec<&'static dyn crate::engine::Engine>> {
        let Some(items) = node.scalar_or_list() else {
            self.schema(
                node.span,
                format!("`engines` of {what} must be a list of engine names"),
                format!(
                    "e.g. `engines: [neverfail, wsfc]`; the engines are {}",
                    crate::engine::names()
                ),
            );
            return None;
        };
        let mut out: Vec<&'static dyn crate::engine::Engine> = Vec::new();
        for (name, span) in items {
            match crate::engine::by_name(name) {
                Some(e) if out.iter().any(|o| o.kind() == e.kind()) => self.schema(
                    span,
                    format!("engine `{}` is listed twice for {what}", e.name()),
                    "list each engine once",
                ),
                Some(e) => out.push(e),
                None => self.schema(
                    span,
                    format!("`{name}` is not an HA engine amxc knows"),
                    format!("the engines are {}", crate::engine::names()),
                ),
            }
        }
        Some(out)
    }

    fn fields<'a>(&mut self, node: &'a Node, what: &str, allowed: &str) -> Option<Fields<'a>> {
        match node.as_map() {
            Some(m) => Some(Fields::new(m)),
            None => {
                self.schema(
                    node.span,
                    format!("{what} must be a mapping, found {}", node.describe()),
                    allowed,
                );
                None
            }
        }
    }

    fn finish(&mut self, f: &Fields, what: &str, allowed: &str) {
        for (key, span) in f.unknown() {
            self.schema(
                span,
                format!("unknown key `{key}` in {what}"),
                format!("the keys of {what} are {allowed}"),
            );
        }
        for (key, first, second) in f.duplicates() {
            let d = Diagnostic::new(
                codes::MATRIX_SCHEMA,
                format!("key `{key}` is given twice in {what}"),
            )
            .at(self.file, second, "given again here")
            .with_label(self.file, first, "first given here");
            self.diags.push(d);
        }
    }

    fn scalar<'a>(&mut self, node: &'a Node, what: &str) -> Option<&'a str> {
        match node.as_scalar() {
            Some(s) if !node.is_null() => Some(s),
            _ => {
                self.schema(
                    node.span,
                    format!("{what} must be a single value, found {}", node.describe()),
                    "write a scalar",
                );
                None
            }
        }
    }

    fn date(&mut self, node: &Node, what: &str) -> Option<Date> {
        let text = self.scalar(node, what)?;
        let d = Date::parse(text, node.span);
        if d.is_none() {
            let d = Diagnostic::new(
                codes::MATRIX_SCHEMA,
                format!("{what} `{text}` is not a release date"),
            )
            .at(self.file, node.span, "expected a date such as 2007-07-11")
            .with_help("release versions are calendar dates written YYYY-MM-DD");
            self.diags.push(d);
        }
        d
    }

    fn dimensions(&mut self, node: &Node) -> Vec<Dimension> {
        let mut out: Vec<Dimension> = Vec::new();
        let Some(entries) = node.as_map() else {
            self.schema(
                node.span,
                "`dimensions` must map each dimension name to its kind and values",
                "e.g. `app: { kind: version, values: [\"5.0\", \"6.0\"] }`",
            );
            return out;
        };
        for (k, v) in entries {
            let Some(name) = self.scalar(k, "a dimension name") else {
                continue;
            };
            if name == crate::ast::RELEASE {
                let d = Diagnostic::new(
                    codes::MATRIX_SCHEMA,
                    "`version` is reserved for release versions",
                )
                .at(self.file, k.span, "rename this dimension")
                .with_help("the release versions are listed under `versions`");
                self.diags.push(d);
                continue;
            }
            if let Some(prev) = out.iter().find(|d| d.name == name) {
                let d = Diagnostic::new(
                    codes::MATRIX_SCHEMA,
                    format!("dimension `{name}` is declared twice"),
                )
                .at(self.file, k.span, "declared again here")
                .with_label(self.file, prev.span, "first declared here");
                self.diags.push(d);
                continue;
            }
            let Some(mut f) = self.fields(v, &format!("dimension `{name}`"), "`kind` and `values`")
            else {
                continue;
            };
            let kind = match f.get("kind") {
                Some(n) => match n.as_scalar() {
                    Some("version") => DimKind::Version,
                    Some("enum") => DimKind::Enum,
                    _ => {
                        let d = Diagnostic::new(codes::MATRIX_SCHEMA, format!("dimension `{name}` has an unknown kind"))
                            .at(self.file, n.span, "expected `version` or `enum`")
                            .with_help("`version` dimensions are ordered dotted numbers; `enum` dimensions are unordered names");
                        self.diags.push(d);
                        continue;
                    }
                },
                None => {
                    self.schema(
                        v.span,
                        format!("dimension `{name}` has no `kind`"),
                        "add `kind: version` or `kind: enum`",
                    );
                    continue;
                }
            };
            let mut values: Vec<DimValue> = Vec::new();
            match f.get("values").and_then(|n| n.as_seq()) {
                Some(items) if !items.is_empty() => {
                    for item in items {
                        let Some(text) = self.scalar(item, "a dimension value") else {
                            continue;
                        };
                        let version = Version::parse(text);
                        if kind == DimKind::Version && version.is_none() && !is_label(text) {
                            let d = self.inconsistent(item.span, format!("`{text}` is neither a version nor a label, but `{name}` is a version dimension"), "expected a dotted number such as 6.0, or a label such as \"2008 R2\"");
                            self.diags.push(
                                d.with_help("make the dimension `kind: enum`, or write a version or a label of letters, digits, spaces, dots and hyphens that starts with a letter or digit"),
                            );
                            continue;
                        }
                        if let Some(prev) = values.iter().find(|x| {
                            x.text == text
                                || (version.is_some()
                                    && x.version == version
                                    && kind == DimKind::Version)
                        }) {
                            let d = Diagnostic::new(
                                codes::MATRIX_SCHEMA,
                                format!("value `{text}` is listed twice in `{name}`"),
                            )
                            .at(self.file, item.span, "listed again here")
                            .with_label(
                                self.file,
                                prev.span,
                                "first listed here",
                            );
                            self.diags.push(d);
                            continue;
                        }
                        values.push(DimValue {
                            text: text.to_string(),
                            span: item.span,
                            version,
                        });
                    }
                }
                _ => self.schema(
                    v.span,
                    format!("dimension `{name}` needs a non-empty list of `values`"),
                    "e.g. `values: [\"5.0\", \"6.0\"]`",
                ),
            }
            self.finish(&f, &format!("dimension `{name}`"), "`kind` and `values`");
            let labelled = kind == DimKind::Version && values.iter().any(|v| v.version.is_none());
            if labelled {
                // ordered by their place: the versions among them must ascend
                let mut last: Option<&DimValue> = None;
                for v in values.iter().filter(|v| v.version.is_some()) {
                    if let Some(prev) = last.filter(|p| p.version >= v.version) {
                        let d = self.inconsistent(v.span, format!("`{}` is listed after `{}` in `{name}`, whose labels are ordered by their place in `values`", v.text, prev.text), "listed out of order");
                        self.diags
                            .push(d.with_help("list the values from the oldest to the newest"));
                    }
                    last = Some(v);
                }
            } else if kind == DimKind::Version {
                values.sort_by(|a, b| a.version.cmp(&b.version));
            }
            let ladder = labelled.then(|| values.clone().into());
            out.push(Dimension {
                name: name.to_string(),
                sym: crate::filters::Sym::new(name),
                span: k.span,
                kind,
                values,
                ladder,
            });
        }
        out
    }

    /// `{ dim: value | [values] }` checked against the dimensions.
    fn restriction(&mut self, node: &Node, dims: &[Dimension], what: &str) -> Restriction {
        let mut r = Restriction {
            span: node.span,
            allowed: Vec::new(),
        };
        let Some(entries) = node.as_map() else {
            self.schema(
                node.span,
                format!("{what} must map dimensions to values"),
                "e.g. `{ exchange: \"2003\", arch: x86 }`",
            );
            return r;
        };
        for (k, v) in entries {
            let Some(name) = self.scalar(k, "a dimension name") else {
                continue;
            };
            let Some(di) = dims.iter().position(|d| d.name == name) else {
                let d = self.inconsistent(
                    k.span,
                    format!("{what} names `{name}`, which is not a declared dimension"),
                    "unknown dimension",
                );
                let known: Vec<&str> = dims.iter().map(|d| d.name.as_str()).collect();
                self.diags
                    .push(d.with_help(format!("the dimensions are {}", known.join(", "))));
                continue;
            };
            let Some(list) = v.scalar_or_list() else {
                self.schema(
                    v.span,
                    format!("values of `{name}` must be a value or a list of values"),
                    "e.g. `[\"2003\", \"2008\"]`",
                );
                continue;
            };
            let mut set = Vec::new();
            for (text, span) in list {
                match dims[di].value_index(text) {
                    Some(i) => set.push(i),
                    None => {
                        let d = self.inconsistent(
                            span,
                            format!("`{text}` is not a value of dimension `{name}`"),
                            "not in the domain",
                        );
                        self.diags.push(d.with_label(
                            self.file,
                            dims[di].span,
                            format!("`{name}` is declared here with {}", dims[di].domain()),
                        ));
                    }
                }
            }
            r.allowed.push((di, set, v.span));
        }
        r
    }
}

/// Load a matrix from its text. Diagnostics point into `file`.
pub fn load(file: FileId, text: &str) -> Staged<Matrix> {
    if text.len() > MAX_MATRIX_BYTES {
        let d = Diagnostic::new(
            codes::TOO_LARGE,
            format!(
                "version matrix is {} bytes, more than the limit of {MAX_MATRIX_BYTES}",
                text.len()
            ),
        )
        .at(file, Span::new(0, 0), "this file");
        return Staged::fail(d);
    }
    let root = match yaml::load(file, text, codes::MATRIX_SYNTAX) {
        Ok(r) => r,
        Err(d) => return Staged::fail(d),
    };
    let mut l = Loader {
        file,
        diags: Vec::new(),
    };
    const KEYS: &str =
        "`amx`, `kb`, `title`, `dimensions`, `components`, `platforms` and `versions`";
    let Some(mut f) = l.fields(&root, "the version matrix", KEYS) else {
        return Staged::failed(l.diags);
    };
    let amx = f
        .get("amx")
        .and_then(|n| l.scalar(n, "`amx`").map(|s| (s.to_string(), n.span)));
    let kb = f.get("kb").and_then(|n| {
        let s = l.scalar(n, "`kb`")?;
        let v = s.parse().ok();
        if v.is_none() {
            l.schema(n.span, "`kb` must be an article number", "e.g. `kb: 563`");
        }
        v
    });
    let title = f
        .get("title")
        .and_then(|n| l.scalar(n, "`title`").map(str::to_string));
    let dimensions = match f.get("dimensions") {
        Some(n) => l.dimensions(n),
        None => {
            l.schema(
                Span::new(0, 0),
                "the version matrix has no `dimensions`",
                "declare at least the dimensions the policy's conditions use",
            );
            Vec::new()
        }
    };
    let components = f
        .get("components")
        .map_or_else(Vec::new, |n| l.components(n));
    let platforms = f
        .get("platforms")
        .map_or_else(Vec::new, |n| l.platforms(n, &dimensions));
    let releases = l.releases(f.get("versions"), &dimensions);
    l.finish(&f, "the version matrix", KEYS);
    let has_errors = l.diags.iter().any(Diagnostic::is_error);
    let matrix = Matrix {
        file,
        amx,
        kb,
        title,
        dimensions,
        components,
        platforms,
        releases,
    };
    Staged::new((!has_errors).then_some(matrix), l.diags)
}

impl Loader {
    /// `components`: each component's name and description.
    fn components(&mut self, n: &Node) -> Vec<Component> {
        let mut components = Vec::new();
        match n.as_map() {
            Some(entries) => {
                for (k, v) in entries {
                    let Some(name) = self.scalar(k, "a component name") else {
                        continue;
                    };
                    if v.as_scalar().is_none() {
                        self.schema(
                            v.span,
                            format!(
                                "component `{name}`'s description must be a sentence, found {}",
                                v.describe()
                            ),
                            "e.g. `file-level-av: \"Symantec File-Level anti-virus\"`, or nothing",
                        );
                        continue;
                    }
                    let description = v
                        .as_scalar()
                        .filter(|_| !v.is_null())
                        .unwrap_or(name)
                        .to_string();
                    components.push(Component {
                        name: name.to_string(),
                        sym: crate::filters::Sym::new(name),
                        description,
                        span: k.span,
                    });
                }
            }
            None if n.is_null() => {}
            None => self.schema(
                n.span,
                "`components` must map each component to its description",
                "e.g. `file-level-av: \"Symantec File-Level anti-virus\"`",
            ),
        }
        components
    }

    /// `platforms`: the combinations of dimension values that exist.
    fn platforms(&mut self, n: &Node, dimensions: &[Dimension]) -> Vec<Restriction> {
        let mut platforms = Vec::new();
        match n.as_seq() {
            Some(rows) => {
                for row in rows {
                    platforms.push(self.restriction(row, dimensions, "a platform"));
                }
            }
            None if n.is_null() => {}
            None => self.schema(
                n.span,
                "`platforms` must be a list of combinations",
                "e.g. `- { exchange: \"2003\", arch: x86 }`",
            ),
        }
        platforms
    }

    /// A release's own keys, given: what it `supports`, its successor (noted in `successors`
    /// with the release's `index`), `known_issues` and `engines`.
    fn release_fields(
        &mut self,
        v: &Node,
        release: &mut Release,
        dimensions: &[Dimension],
        successors: &mut Vec<(usize, Date)>,
        index: usize,
    ) {
        let date = release.date;
        let what = format!("release {date}");
        if let Some(mut rf) = self.fields(
            v,
            &what,
            "`supports`, `superseded_by`, `known_issues` and `engines`",
        ) {
            if let Some(s) = rf.get("supports") {
                release.supports =
                    self.restriction(s, dimensions, &format!("`supports` of release {date}"));
            }
            if let Some(s) = rf.get("superseded_by") {
                if let Some(d) = self.date(s, "`superseded_by`") {
                    successors.push((index, d));
                    release.superseded_by = Some(d);
                }
            }
            if let Some(s) = rf.get("known_issues") {
                match s.scalar_or_list() {
                    Some(items) => {
                        release.known_issues =
                            items.into_iter().map(|(t, _)| t.to_string()).collect()
                    }
                    None => self.schema(
                        s.span,
                        "`known_issues` must be a list of sentences",
                        "e.g. `- \"apply exceptions can occur\"`",
                    ),
                }
            }
            if let Some(s) = rf.get("engines") {
                release.engines = self.engines(s, &what);
            }
            self.finish(
                &rf,
                &what,
                "`supports`, `superseded_by`, `known_issues` and `engines`",
            );
        }
    }

    /// `versions`: each release with what it supports, its successor, known issues and
    /// engines; then every successor checked against the releases listed.
    fn releases(&mut self, versions: Option<&Node>, dimensions: &[Dimension]) -> Vec<Release> {
        let mut releases: Vec<Release> = Vec::new();
        let mut successors: Vec<(usize, Date)> = Vec::new();
        match versions.and_then(|n| n.as_map().map(|m| (n, m))) {
            Some((_, entries)) => {
                for (k, v) in entries {
                    let Some(date) = self.date(k, "release version") else {
                        continue;
                    };
                    if let Some(prev) = releases.iter().find(|r| r.date.key() == date.key()) {
                        let d = Diagnostic::new(
                            codes::MATRIX_SCHEMA,
                            format!("release {date} is listed twice"),
                        )
                        .at(self.file, k.span, "listed again here")
                        .with_label(
                            self.file,
                            prev.date.span,
                            "first listed here",
                        );
                        self.diags.push(d);
                        continue;
                    }
                    let mut release = Release {
                        date,
                        supports: Restriction {
                            span: k.span,
                            allowed: Vec::new(),
                        },
                        superseded_by: None,
                        known_issues: Vec::new(),
                        engines: None,
                    };
                    if !v.is_null() {
                        self.release_fields(
                            v,
                            &mut release,
                            dimensions,
                            &mut successors,
                            releases.len(),
                        );
                    }
                    releases.push(release);
                }
            }
            None => self.schema(
                Span::new(0, 0),
                "the version matrix has no `versions` mapping",
                "list each release version with what it supports",
            ),
        }
        for (i, succ) in successors {
            if !releases.iter().any(|r| r.date.key() == succ.key()) {
                let d = Diagnostic::new(
                    codes::MATRIX_INCONSISTENT,
                    format!(
                        "release {} is superseded by {succ}, which the matrix does not list",
                        releases[i].date
                    ),
                )
                .at(self.file, succ.span, "unknown release")
                .with_help("list the successor under `versions`");
                self.diags.push(d);
            } else if succ.key() == releases[i].date.key() {
                let d = Diagnostic::new(
                    codes::MATRIX_INCONSISTENT,
                    format!("release {succ} is superseded by itself"),
                )
                .at(self.file, succ.span, "here");
                self.diags.push(d);
            }
        }
        releases
    }
}

/// A label a version dimension may list beside versions (`2008 R2`, `2012 R2`): letters,
/// digits, spaces, dots and hyphens, starting with a letter or digit.
fn is_label(text: &str) -> bool {
    text.len() <= 64
        && text.starts_with(|c: char| c.is_ascii_alphanumeric())
        && !text.ends_with(' ')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-'))
}
