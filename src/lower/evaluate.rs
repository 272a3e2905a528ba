//! Evaluating a policy in one environment: which statements hold, what each path resolves
//! to, and how the release's exceptions override the base.

use super::cond::holds;
use super::env::Env;
use super::paths::{VarError, Vars};
use crate::ast::*;
use crate::diagnostic::{codes, Diagnostic};
use crate::filters::{normalize_file, normalize_registry, Pattern};
use crate::model::{EvService, EvTask, Evaluated, Origin, Text};
use crate::source::FileId;

/// Resolves strings and patterns in one environment; failures are diagnostics at the use.
pub struct Resolver<'a> {
    file: FileId,
    vars: Vars<'a>,
    x64_32bit: bool,
}

/// Whether exception `e` applies in `env`: `env`'s release is its release, and its own
/// condition holds.
pub fn exception_applies(e: &Exception, env: &Env) -> bool {
    e.release.key() == env.release.key() && holds(e.when.as_ref(), env)
}

/// The exceptions that apply in `env`.
pub fn applying_exceptions<'p>(policy: &'p Policy, env: &Env) -> Vec<&'p Exception> {
    policy
        .exceptions
        .iter()
        .filter(|e| exception_applies(e, env))
        .collect()
}

impl<'a> Resolver<'a> {
    pub fn new(policy: &'a Policy, env: &'a Env) -> Resolver<'a> {
        let bits32 = policy
            .application
            .as_ref()
            .and_then(|a| {
                a.value
                    .bits
                    .iter()
                    .rev()
                    .find(|b| holds(b.when.as_deref(), env))
            })
            .is_some_and(|b| b.value == 32);
        let mut defs: Vec<(&str, &str)> = active(&policy.base.paths, env)
            .map(|p| (p.value.name.text.as_str(), p.value.pattern.value.as_str()))
            .collect();
        for e in applying_exceptions(policy, env) {
            defs.extend(
                active(&e.body.paths, env)
                    .map(|p| (p.value.name.text.as_str(), p.value.pattern.value.as_str())),
            );
        }
        Resolver {
            file: policy.file,
            vars: Vars::new(env, bits32, defs),
            x64_32bit: bits32 && env.is_x64(),
        }
    }

    /// Whether registry patterns move under `Wow6432Node` (a 32-bit application on x64).
    pub fn wow64(&self) -> bool {
        self.x64_32bit
    }

    /// Expand a string's variables.
    pub fn string(&self, s: &Str) -> Result<String, Diagnostic> {
        self.vars.resolve(&s.value).map_err(|e| match &e {
            VarError::Undefined { name, .. } => Diagnostic::new(codes::UNDEFINED_VARIABLE, format!("path variable `%{name}%` is not defined"))
                .at(self.file, s.use_span(name), "used here")
                .with_help("declare it in `paths { … }`, or use a built-in such as %ProgramFiles% or a matrix dimension such as %app%"),
            VarError::Cycle { cycle, .. } => crate::diagnostic::findings::cyclic_variable(cycle)
                .at(self.file, s.span, "resolving this needs the cycle"),
            VarError::TooFar { name, why, .. } => Diagnostic::new(
                codes::VARIABLE_TOO_FAR,
                format!("path variable `%{name}%` cannot be expanded: {why}"),
            )
            .at(self.file, s.span, "resolving this expands it")
            .with_help("define the variables from absolute paths, not from each other many times over"),
        })
    }

    /// Expand a name's variables (service names may use them).
    pub fn name(&self, n: &Name) -> Result<String, Diagnostic> {
        if !n.text.contains('%') {
            return Ok(n.text.clone());
        }
        self.string(&Str::synthetic(n.text.clone(), n.span))
    }

    /// Resolve and normalise a filter pattern; registry patterns of a 32-bit application on
    /// x64 move under `Wow6432Node`.
    pub fn pattern(&self, kind: FilterKind, s: &Str) -> Result<Pattern, Diagnostic> {
        let text = self.string(s)?;
        let registry = kind == FilterKind::Registry;
        let result = if registry {
            normalize_registry(&text)
        } else {
            normalize_file(&text)
        };
        match result {
            Ok(mut p) => {
                if registry && self.x64_32bit {
                    crate::engine::windows::wow64_registry(&mut p);
                }
                Ok(p)
            }
            Err(e) => {
                let mut d = Diagnostic::new(codes::INVALID_PATTERN, e.message)
                    .at(self.file, s.span, "this pattern")
                    .with_help(e.help);
                if text != s.value {
                    d = d.with_note(format!("it resolves to `{text}`"));
                }
                Err(d)
            }
        }
    }
}

/// The kind a data rule's pattern is resolved as: registry patterns start with a hive.
pub fn pattern_kind(rule: &DataRule) -> FilterKind {
    match rule {
        DataRule::Filter {
            kind: FilterKind::Snapshot,
            pattern,
            ..
        } if looks_like_registry(&pattern.value) => FilterKind::Registry,
        DataRule::Filter { kind, .. } => *kind,
        DataRule::Unprotected { pattern, .. } => {
            if looks_like_registry(&pattern.value) {
                FilterKind::Registry
            } else {
                FilterKind::Files
            }
        }
    }
}

struct Ctx<'a> {
    r: Resolver<'a>,
    env: &'a Env,
    out: Evaluated,
}

/// Evaluate `policy` in `env`: services, tasks and texts, with the
/// release's exceptions applied. Data rules are related in `relate`, which says what the
/// exceptions replace there.
pub fn evaluate(policy: &Policy, env: &Env) -> Evaluated {
    let exceptions = applying_exceptions(policy, env);
    let mut cx = Ctx {
        r: Resolver::new(policy, env),
        env,
        out: Evaluated::default(),
    };
    cx.out.exceptions = exceptions.iter().map(|e| (e.release, e.span)).collect();
    cx.out.budget = winner(&policy.switchover, env).map(|b| (b.value.seconds, b.span));
    // each active service once (a service an exception overrides replaces the base's)
    cx.out.services.reserve(policy.base.services.len());
    cx.body(&policy.base, None);
    for e in &exceptions {
        cx.body(&e.body, Some(e.release));
    }
    cx.out
}

fn active<'a, T>(items: &'a [Item<T>], env: &'a Env) -> impl Iterator<Item = &'a Item<T>> + 'a {
    items.iter().filter(move |i| holds(i.when.as_deref(), env))
}

/// The last item that holds, or the default.
/// The last of `items` that holds in `env`: the setting that wins.
fn winner<'a, T>(items: &'a [Item<T>], env: &Env) -> Option<&'a Item<T>> {
    items.iter().rev().find(|i| holds(i.when.as_deref(), env))
}

fn last<T: Clone>(items: &[Item<T>], env: &Env, default: T) -> T {
    winner(items, env).map_or(default, |i| i.value.clone())
}

impl Ctx<'_> {
    fn body(&mut self, body: &Body, exception: Option<Date>) {
        let env = self.env;
        let origin = |span| Origin {
            span,
            exception,
            overrides: None,
        };
        for s in active(&body.services, env) {
            let sv = &s.value;
            // names may use path variables (`'MSSQL$%Instance%'`), resolved per server
            let Some(name) = self.resolve_name(&sv.name) else {
                continue;
            };
            let display = match &sv.display {
                Some(d) => match self.resolve(d) {
                    Some(v) => Some(v),
                    None => continue,
                },
                None => None,
            };
            let after: Vec<Name> = active(&sv.after, env)
                .flat_map(|a| a.value.iter())
                .filter_map(|n| self.resolve_name(n).map(|text| Name { text, span: n.span }))
                .collect();
            let (on_active, on_passive) = env.engine.default_states();
            let ev = EvService {
                name,
                display,
                name_span: sv.name.span,
                startup: last(&sv.startup, env, env.engine.default_startup()),
                startup_span: winner(&sv.startup, env).map(|i| i.span),
                active: last(&sv.active, env, on_active),
                passive: last(&sv.passive, env, on_passive),
                monitor: last(&sv.monitor, env, true),
                manage: last(&sv.manage, env, true),
                after,
                on_failure: last(&sv.on_failure, env, Vec::new()),
                on_failure_span: winner(&sv.on_failure, env).map(|i| i.span),
                passive_span: winner(&sv.passive, env).map(|i| i.span),
                start_timeout: winner(&sv.start_timeout, env).map(|i| i.value),
                stop_timeout: winner(&sv.stop_timeout, env).map(|i| i.value),
                origin: origin(s.span),
            };
            let existing = exception.and_then(|_| {
                self.out.services.iter().position(|b| {
                    b.origin.exception.is_none() && b.name.eq_ignore_ascii_case(&ev.name)
                })
            });
            match existing {
                Some(i) => {
                    let mut ev = ev;
                    ev.origin.overrides = Some(self.out.services[i].origin.span);
                    self.out.services[i] = ev;
                }
                None => self.out.services.push(ev),
            }
        }
        for t in active(&body.tasks, env) {
            self.task(t, exception);
        }
        let texts = |items: &[Item<Str>]| -> Vec<Text> {
            active(items, env)
                .map(|i| Text {
                    text: i.value.value.clone(),
                    span: i.span,
                    exception,
                })
                .collect()
        };
        self.out.advisories.extend(texts(&body.advise));
        self.out.notes.extend(texts(&body.notes));
        self.out.unsupported.extend(texts(&body.unsupported));
        if let Some(d) = body
            .discovery
            .as_ref()
            .filter(|d| holds(d.when.as_deref(), env))
        {
            self.out.discovery = Some(d.value.clone());
        }
    }

    /// Resolve a string's variables, keeping the failure as a problem.
    fn resolve(&mut self, s: &Str) -> Option<String> {
        self.r.string(s).map_err(|d| self.out.problems.push(d)).ok()
    }

    fn resolve_name(&mut self, n: &Name) -> Option<String> {
        self.r.name(n).map_err(|d| self.out.problems.push(d)).ok()
    }

    fn task(&mut self, item: &Item<Task>, exception: Option<Date>) {
        let t = &item.value;
        let Some(program) = self.resolve(&t.run.value.program) else {
            return;
        };
        let mut args = Vec::new();
        for a in &t.run.value.args {
            let Some(v) = self.resolve(a) else { return };
            args.push(v);
        }
        let side =
            t.on.as_ref()
                .map_or(self.env.engine.default_side(t.at.value), |o| o.value);
        let mut ev = EvTask {
            name: t.name.text.clone(),
            kind: t.at.value,
            side,
            program,
            args,
            timeout: t.timeout.as_ref().map(|x| x.value),
            origin: Origin {
                span: item.span,
                exception,
                overrides: None,
            },
        };
        if exception.is_some() {
            if let Some(i) = self
                .out
                .tasks
                .iter()
                .position(|b| b.origin.exception.is_none() && b.name == ev.name)
            {
                ev.origin.overrides = Some(self.out.tasks[i].origin.span);
                self.out.tasks[i] = ev;
                return;
            }
        }
        self.out.tasks.push(ev);
    }
}

/// A registry pattern starts with a hive name (`filters::short_hive`'s table, or any other
/// `HKEY_` long name).
pub fn looks_like_registry(s: &str) -> bool {
    let first = s.split(['\\', '/']).next().unwrap_or("");
    first.to_ascii_uppercase().starts_with("HKEY_") || crate::filters::short_hive(first).is_some()
}
