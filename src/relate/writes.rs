//! Data written on the passive: what the application itself writes there (`writes … on
//! passive` in the application block) and what tasks that run there write (`writes` in a
//! task). Replication applies the active's changes to the passive; where the passive writes
//! the same files itself, applying fails on files in use — the product's *apply exceptions*
//! ([seed article, "Other Features": "the update schedule can be run on the passive server
//! causing apply exceptions because the files are in use"]). Such data must not be replicated
//! where it is written on the passive.

use super::holding::Holding;
use super::relations::{Relations, Role};
use crate::ast::{AppWrites, Condition, FilterKind, Item, Policy, Str, Task};
use crate::engine::{Engine, Feature};
use crate::filters::{overlaps, subset, Pattern};
use crate::lower::{looks_like_registry, Env, Resolver};

/// Who writes.
#[derive(Clone, Copy, Debug)]
pub enum Writer<'p> {
    Application(&'p Item<AppWrites>),
    Task(&'p Item<Task>),
}

/// One pattern something writes, with the statement that says so.
#[derive(Clone, Copy, Debug)]
pub struct WriteRef<'p> {
    pub pattern: &'p Str,
    pub writer: Writer<'p>,
    /// The statement's condition (a task's, with its block's).
    pub when: Option<&'p Condition>,
    /// Index into `policy.exceptions` for a task of an exception.
    pub exception: Option<u32>,
}

impl WriteRef<'_> {
    /// Whether the writer writes on the passive on a server of `engine`: the application where
    /// its statement says so, a task where it runs on the passive (or on both).
    pub fn on_passive(&self, engine: &dyn Engine) -> bool {
        let side = match self.writer {
            Writer::Application(w) => w.value.side,
            Writer::Task(t) => t
                .value
                .on
                .as_ref()
                .map_or_else(|| engine.default_side(t.value.at.value), |s| s.value),
        };
        engine.writes_on_passive(side)
    }

    /// How a finding names the writer: `the application` or ``task `LiveUpdate` ``.
    pub fn who(&self) -> String {
        match self.writer {
            Writer::Application(_) => "the application".to_string(),
            Writer::Task(t) => format!("task `{}`", t.value.name.text),
        }
    }

    /// Why, where the statement says.
    pub fn because(&self) -> Option<&str> {
        match self.writer {
            Writer::Application(w) => w.value.because.as_ref().map(|b| b.value.as_str()),
            Writer::Task(_) => None,
        }
    }

    pub fn kind(&self) -> FilterKind {
        if looks_like_registry(&self.pattern.value) {
            FilterKind::Registry
        } else {
            FilterKind::Files
        }
    }
}

/// Every pattern the policy says is written, the application's first, then tasks' in source
/// order (base, then exceptions).
pub fn write_items(policy: &Policy) -> Vec<WriteRef<'_>> {
    let mut out = Vec::new();
    if let Some(app) = &policy.application {
        for w in &app.value.writes {
            out.extend(w.value.patterns.iter().map(|pattern| WriteRef {
                pattern,
                writer: Writer::Application(w),
                when: w.when.as_deref(),
                exception: None,
            }));
        }
    }
    let bodies = std::iter::once((&policy.base, None)).chain(
        policy
            .exceptions
            .iter()
            .enumerate()
            .map(|(k, e)| (&e.body, Some(k as u32))),
    );
    for (body, exception) in bodies {
        for t in &body.tasks {
            let Some(ws) = &t.value.writes else { continue };
            out.extend(ws.value.iter().map(|pattern| WriteRef {
                pattern,
                writer: Writer::Task(t),
                when: t.when.as_deref(),
                exception,
            }));
        }
    }
    out
}

/// A pattern written on the passive that an inclusion replicates there.
pub struct Replicated {
    /// Index into the write items.
    pub write: usize,
    /// The data rule that replicates it.
    pub include: usize,
    /// The written pattern as the server resolves it.
    pub written: Pattern,
}

/// The written patterns (of those that `active` selects, written on the passive) that an
/// inclusion which holds here replicates: some inclusion shares a path with the written data,
/// and no exclusion or unprotected declaration that holds here takes in the whole of either.
/// Why a written pattern cannot be resolved goes to `problems`.
pub fn replicated(
    rel: &Relations,
    here: &Holding,
    env: &Env,
    writes: &[WriteRef],
    active: &[bool],
    problems: &mut Vec<crate::diagnostic::Diagnostic>,
) -> Vec<Replicated> {
    let mut out = Vec::new();
    if writes.is_empty() {
        return out;
    }
    let resolver = Resolver::new(rel.policy(), env);
    let n = rel.roles.len();
    for (w, write) in writes.iter().enumerate() {
        let kind = write.kind();
        let feature = match kind {
            FilterKind::Registry => Feature::RegistryFilters,
            _ => Feature::FileFilters,
        };
        if !active[w] || !write.on_passive(env.engine) || !env.engine.maps(feature) {
            continue;
        }
        let written = match resolver.pattern(kind, write.pattern) {
            Ok(p) => p,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let ws = &written.segs;
        let removes = |segs: &[crate::filters::Seg]| {
            (0..n).any(|e| {
                matches!(rel.roles[e], Role::Exclude | Role::Unprotected)
                    && rel.kinds[e] == kind
                    && here.on(e)
                    && subset(segs, rel.segs(e))
            })
        };
        if removes(ws) {
            continue;
        }
        let include = (0..n).find(|&i| {
            rel.roles[i] == Role::Include
                && rel.kinds[i] == kind
                && here.on(i)
                && overlaps(ws, rel.segs(i))
                && !removes(rel.segs(i))
        });
        if let Some(include) = include {
            out.push(Replicated {
                write: w,
                include,
                written,
            });
        }
    }
    out
}
