//! Stage 3b, plan: everything the emitters need for one server, computed once — the
//! evaluated policy, the effective filters, the start order — after the server-specific checks
//! (drives that exist, values that scripts can hold safely).

pub mod cluster;
pub mod refusals;
pub mod scripts;
mod values;

pub use crate::lower::start_order;
pub use values::{batch_arg_refusal, batch_program_refusal, is_batch, unsafe_reason};

use crate::checked::Checked;
use crate::diagnostic::{codes, Diagnostic, Staged};
use crate::engine::windows::{self, PowerShell};
use crate::lower::Env;
use crate::model::{EvFilter, Evaluated, Roles};
use crate::profile::Target;
pub use crate::relate::Overridden;
use crate::source::Span;

/// One server's plan, borrowing the checked policy and the server's profile.
pub struct Plan<'a> {
    pub input: &'a Checked,
    pub target: &'a Target,
    pub env: Env,
    pub ev: Evaluated,
    /// Effective filters: covered inclusions and exclusions outside every inclusion dropped;
    /// sorted by kind, mode and pattern.
    pub filters: Vec<EvFilter>,
    /// Indices into `ev.services`, in start order.
    pub start: Vec<usize>,
    /// What this server does to the protected services in each role.
    pub roles: Roles,
    /// The switchover and failover timelines of this server (`lower/switchover.rs`).
    pub switchover: crate::model::timeline::Plan,
    /// The clustered role, when the server runs the failover-clustering engine.
    pub role: Option<cluster::Role>,
    /// Findings the policy acknowledges (`allow`) that concern this server.
    pub known_issues: Vec<KnownIssue>,
    /// Every base data rule that an exception replaced or protected on this server.
    pub overridden: Vec<Overridden>,
}

/// A finding the policy acknowledges as a documented known issue, as it concerns one server.
#[derive(Clone, Debug)]
pub struct KnownIssue {
    pub code: crate::diagnostic::Code,
    /// What holds: on this server exactly where amxc can tell (data written on the passive and
    /// replicated), else the finding as validation gave it.
    pub text: String,
    /// Why the policy accepts it.
    pub because: String,
    /// The release whose exception acknowledges it; `None` for the whole policy.
    pub release: Option<crate::ast::Date>,
}

impl<'a> Plan<'a> {
    pub fn new(input: &'a Checked, target: &'a Target) -> Staged<Plan<'a>> {
        let env = Env::of_target(&input.matrix, target);
        let lowered = crate::relate::lowered(&input.policy, &env);
        let ev = lowered.ev;
        let file = input.policy.file;
        let mut errors: Vec<Diagnostic> = ev.problems.clone();
        let release = input
            .matrix
            .release(&target.release)
            .map(|r| &input.matrix.releases[r]);
        if let Some(r) = release.filter(|r| !r.runs_on(env.engine)) {
            let span = target.engine.map_or(target.server_span, |(_, s)| s);
            let on: Vec<&str> = r.engines.iter().flatten().map(|e| e.name()).collect();
            errors.push(
                Diagnostic::new(
                    codes::TARGET_UNSUPPORTED,
                    format!(
                        "release {} does not run on engine `{}`",
                        target.release,
                        env.engine.name()
                    ),
                )
                .at(target.file, span, "this server's engine")
                .with_note(format!("the matrix lists it for {}", on.join(", ")))
                .with_help("name another engine (`engine:` in the profile, or `--engine`), or install a release that runs on this one"),
            );
        }
        for f in &ev.filters {
            if let Some(drive) = f.pattern.drive() {
                if !target.drives.contains(&drive) {
                    let have: Vec<String> = target.drives.iter().map(|c| format!("{c}:")).collect();
                    errors.push(
                        Diagnostic::new(
                            codes::MISSING_DRIVE,
                            format!(
                                "filter `{}` is on drive {drive}:, which server `{}` does not have",
                                f.pattern, target.server
                            ),
                        )
                        .at(file, f.pattern_span, format!("resolves to drive {drive}:"))
                        .with_label(
                            target.file,
                            target.drives_span,
                            format!("the server has {}", have.join(", ")),
                        )
                        .with_note(
                            "the product would reset the whole filter list to C:\\Protected\\**",
                        )
                        .with_help(
                            "override the path for this server in its profile, or add the drive",
                        ),
                    );
                }
            }
        }
        let check = |value: &str, span: Span, what: &str, errors: &mut Vec<Diagnostic>| {
            if let Some(why) = unsafe_reason(value) {
                errors.push(
                    Diagnostic::new(
                        codes::UNSAFE_VALUE,
                        format!("{what} cannot be written into a script: {why}"),
                    )
                    .at(file, span, "this value")
                    .with_help("remove the character; Windows does not allow it here"),
                );
            }
        };
        for s in &ev.services {
            check(&s.name, s.name_span, "the service name", &mut errors);
            if s.name.contains(['/', '\\']) {
                errors.push(
                    Diagnostic::new(
                        codes::UNSAFE_VALUE,
                        format!("service name `{}` holds a path separator", s.name),
                    )
                    .at(
                        file,
                        s.name_span,
                        "Windows service names cannot hold `/` or `\\`",
                    ),
                );
            }
            if let Some(d) = &s.display {
                check(d, s.origin.span, "the display name", &mut errors);
            }
        }
        for t in &ev.tasks {
            check(&t.name, t.origin.span, "the task name", &mut errors);
            check(&t.program, t.origin.span, "the task's program", &mut errors);
            for a in &t.args {
                check(a, t.origin.span, "a task argument", &mut errors);
            }
            let batch = batch_program_refusal(&t.program)
                .into_iter()
                .map(|why| format!("the task's program `{}` cannot be run: {why}", t.program));
            let args = t.args.iter().filter_map(|a| {
                batch_arg_refusal(&t.program, a)
                    .map(|why| format!("task argument `{a}` cannot be passed safely: {why}"))
            });
            for message in batch.chain(args) {
                errors.push(
                    Diagnostic::new(codes::UNSAFE_VALUE, message)
                        .at(file, t.origin.span, "in this task")
                        .with_help("pass the value another way (a file, an environment variable), or run a program that is not a batch file"),
                );
            }
        }
        for (k, v) in &target.paths {
            if let Some(why) = unsafe_reason(v) {
                errors.push(
                    Diagnostic::new(
                        codes::UNSAFE_VALUE,
                        format!("path override `{k}` cannot be used: {why}"),
                    )
                    .at(target.file, target.server_span, "in this profile"),
                );
            }
        }
        let known_issues = known_issues(input, &env, &lowered.written, &mut errors);
        if !errors.is_empty() {
            return Staged::failed(errors);
        }
        let mut filters = lowered.effective;
        filters.sort_by_cached_key(|f| (f.kind, f.mode, f.pattern.key()));
        let overridden = lowered.overridden;
        let start = start_order(&ev.services);
        let roles = Roles::new(&ev.services, &start);
        let switchover = crate::lower::switchover::plan(&ev, &start);
        let mut plan = Plan {
            input,
            target,
            env,
            ev,
            filters,
            start,
            roles,
            switchover,
            role: None,
            known_issues,
            overridden,
        };
        if plan.env.engine.kind() == crate::engine::EngineKind::Wsfc {
            let role = cluster::Role::of(&plan);
            // what the cluster keeps of the data: its checkpoints, each a whole subtree
            plan.filters = role
                .checkpoints
                .iter()
                .filter_map(|c| {
                    let f = plan
                        .filters
                        .iter()
                        .find(|f| f.pattern.display == c.pattern)?;
                    let pattern =
                        crate::filters::normalize_registry(&format!("HKLM\\{}\\**", c.key)).ok()?;
                    Some(EvFilter {
                        pattern,
                        ..f.clone()
                    })
                })
                .collect();
            plan.role = Some(role);
        }
        Staged::new(Some(plan), Vec::new())
    }

    /// The PowerShell the server has: as its profile states, else as its Windows release
    /// ships; a server whose release is not known is taken to have PowerShell 2.0.
    pub fn powershell(&self) -> PowerShell {
        if let Some(p) = &self.target.powershell {
            return p.clone();
        }
        self.env
            .os()
            .and_then(|os| windows::shipped_powershell(&os.text))
            .unwrap_or(PowerShell::Version(crate::ast::Version(vec![2, 0])))
    }

    /// Whether the server reads the application's registry keys under `Wow6432Node` (a 32-bit
    /// application on x64).
    pub fn wow64(&self) -> bool {
        crate::lower::Resolver::new(&self.input.policy, &self.env).wow64()
    }

    /// A registry key as the application on this server reads it: under `Wow6432Node` where
    /// WOW64 redirects it, else as given; `None` when nothing is redirected.
    pub fn redirected_key(&self, key: &str) -> Option<String> {
        if !self.wow64() {
            return None;
        }
        windows::wow64_key(key)
    }

    /// `policy.amx:LINE`, and the exception that contributed the statement, if any.
    pub fn origin_of(&self, origin: &crate::lower::Origin) -> String {
        match origin.exception {
            Some(e) => format!("{}, exception {e}", self.origin(origin.span)),
            None => self.origin(origin.span),
        }
    }

    /// `policy.amx:LINE` for a span of the policy.
    pub fn origin(&self, span: Span) -> String {
        format!("{}:{}", self.input.name, self.input.line_of(span.start()))
    }

    /// The first line of every generated file, without comment markers.
    pub fn banner(&self) -> String {
        format!(
            "Generated by amxc {} from {} for server {} (release {}). Do not edit: recompile.",
            env!("CARGO_PKG_VERSION"),
            self.input.name,
            self.target.server,
            self.target.release
        )
    }
}

/// The acknowledged findings that concern a server: data written on the passive that it
/// replicates, each acknowledged by an `allow AMX0317` in scope (else an error: a profile's
/// path overrides can bring it about where validation could not see it), and the other
/// acknowledged findings of its release.
fn known_issues(
    input: &Checked,
    env: &Env,
    written: &[(String, Span)],
    errors: &mut Vec<Diagnostic>,
) -> Vec<KnownIssue> {
    let policy = &input.policy;
    let in_scope: Vec<(&crate::ast::Allow, Option<crate::ast::Date>)> = policy
        .base
        .allows
        .iter()
        .map(|a| (&a.value, None))
        .chain(
            crate::lower::applying_exceptions(policy, env)
                .into_iter()
                .flat_map(|e| e.body.allows.iter().map(|a| (&a.value, Some(e.release)))),
        )
        .collect();
    let mut out = Vec::new();
    for (text, span) in written {
        let allow = in_scope.iter().find(|(a, _)| {
            crate::diagnostic::Code::parse(&a.code.text) == Some(codes::WRITTEN_ON_PASSIVE)
        });
        match allow {
            Some((a, release)) => out.push(KnownIssue {
                code: codes::WRITTEN_ON_PASSIVE,
                text: text.clone(),
                because: a.because.value.clone(),
                release: *release,
            }),
            None => errors.push(
                crate::diagnostic::findings::written_on_passive(text.clone()).at(
                    input.policy.file,
                    *span,
                    "written on the passive here",
                ),
            ),
        }
    }
    for a in &input.acknowledged {
        if a.code == codes::WRITTEN_ON_PASSIVE
            || a.release.is_some_and(|r| r.key() != env.release.key())
        {
            continue;
        }
        let text = a.finding.message.clone();
        if out
            .iter()
            .any(|k: &KnownIssue| k.code == a.code && k.text == text)
        {
            continue;
        }
        out.push(KnownIssue {
            code: a.code,
            text,
            because: a.because.clone(),
            release: a.release,
        });
    }
    out
}
