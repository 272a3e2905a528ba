//! Reusing one path environment's relations in another.
//!
//! Path environments usually differ only in the value of a variable that leads some
//! patterns — `%Install%` is `…\Bench\1.0` in one and `…\Bench\2.0` in the other. Prefixing
//! patterns with the same literal folders changes no relation among them (a literal prefix
//! matches only itself). So when every variable whose value changed leads its patterns,
//! resolves to a literal folder in both environments, and that folder is disjoint from every
//! other pattern and every other changed folder in both, the relations of the first
//! environment hold in the second, apart from the vetoes, which are computed again here.
//! Anything else — a variable inside a pattern, a registry prefix, a folder that another
//! pattern reaches into, a pattern that did not resolve — rebuilds the relations instead.

use crate::ast::{FilterKind, Policy, Str};
use crate::engine::windows::Wow64;
use crate::filters::{normalize_file, normalize_registry, overlaps, Seg};
use crate::lower::{pattern_kind, Env, Resolver};
use crate::relate::{vetoed_roots, DataRef, Relations};
use rustc_hash::FxHashMap as HashMap;

/// How a data pattern uses variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// None: it resolves alike everywhere (but for WOW64 on registry keys).
    Static,
    /// `%Name%\rest` with no other variable: index into [`Shapes::roots`].
    Root(u32),
    /// Variables elsewhere.
    Other,
}

/// The shape of every data pattern, computed once per policy.
pub struct Shapes {
    pub shape: Vec<Shape>,
    /// Leading variable names, lower-cased.
    pub roots: Vec<String>,
    /// [`wow64_moves_apart`] of the items, once asked (it holds in every environment alike).
    wow64_apart: std::sync::OnceLock<bool>,
}

impl Shapes {
    pub fn of(items: &[DataRef]) -> Shapes {
        let mut roots: Vec<String> = Vec::new();
        let shape = items
            .iter()
            .map(|d| {
                let text = &d.item.value.pattern().value;
                if !text.contains('%') {
                    return Shape::Static;
                }
                // one variable, leading the pattern, then a separator or nothing
                let mut uses = crate::ast::var_uses(text);
                let (Some((0, name)), None) = (uses.next(), uses.next()) else {
                    return Shape::Other;
                };
                let after = &text[name.len() + 2..];
                if after.contains('%') || !(after.is_empty() || after.starts_with(['\\', '/'])) {
                    return Shape::Other;
                }
                let key = name.to_ascii_lowercase();
                let k = roots.iter().position(|r| *r == key).unwrap_or_else(|| {
                    roots.push(key);
                    roots.len() - 1
                });
                Shape::Root(k as u32)
            })
            .collect();
        Shapes {
            shape,
            roots,
            wow64_apart: std::sync::OnceLock::new(),
        }
    }
}

/// The segments of a variable's value, if it is a literal folder.
fn folder(value: &str) -> Option<Vec<Seg>> {
    let p = normalize_file(value).ok()?;
    p.segs.iter().all(|s| s.is_lit()).then_some(p.segs)
}

/// Whether `a` starts with `b` or `b` with `a`.
fn nested(a: &[Seg], b: &[Seg]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

/// Whether some path lies both in `segs` and under the literal `folder`.
fn reaches(segs: &[Seg], folder: &[Seg]) -> bool {
    for (s, f) in segs.iter().zip(folder) {
        match s {
            s if s.is_lit() && s == f => continue,
            s if s.is_lit() => return false,
            _ => {
                let mut under = folder.to_vec();
                under.push(Seg::any());
                return overlaps(segs, &under);
            }
        }
    }
    // one is a prefix of the other: they share paths
    true
}

/// Whether switching WOW64 on or off changes no relation: it moves registry keys under
/// `HKLM\SOFTWARE\X` to `HKLM\SOFTWARE\Wow6432Node\X` — a prefix changed for all of them
/// alike — so it is harmless when they name `X` literally and no other registry pattern
/// reaches under `HKLM\SOFTWARE` (but for the keys WOW64 shares, which never move:
/// `engine::windows::wow64_of`). Registry patterns with variables are not examined: they
/// rebuild.
fn wow64_moves_apart(items: &[DataRef], shapes: &Shapes) -> bool {
    let software = [Seg::new("hklm"), Seg::new("software")];
    let lit = |s: Option<&Seg>, x: &str| s.and_then(|s| s.lit()) == Some(x);
    for (d, shape) in items.iter().zip(&shapes.shape) {
        if pattern_kind(&d.item.value) != FilterKind::Registry {
            continue;
        }
        if *shape != Shape::Static {
            return false;
        }
        let Ok(p) = normalize_registry(&d.item.value.pattern().value) else {
            continue; // a problem in every environment alike
        };
        let segs = &p.segs;
        let ok = if !(segs.len() > 2 && segs.starts_with(&software)) {
            !reaches(segs, &software)
        } else if lit(segs.get(2), "wow6432node") {
            false
        } else {
            let rest: Vec<&str> = segs[2..].iter().map_while(|s| s.lit()).collect();
            match crate::engine::windows::wow64_of(&rest) {
                // never moves, and no moving literal pattern can cover it
                Wow64::Shared => true,
                Wow64::Partly => false,
                Wow64::Redirected => segs[2].is_lit(),
            }
        };
        if !ok {
            return false;
        }
    }
    true
}

/// The vetoes of `env_b` when `rel` (built for `env_a`) holds there too; `None` when it
/// may not.
#[allow(clippy::too_many_arguments)]
pub fn vetoes_if_reusable(
    policy: &Policy,
    items: &[DataRef],
    shapes: &Shapes,
    rel: &Relations,
    env_a: &Env,
    env_b: &Env,
) -> Option<HashMap<usize, String>> {
    if env_a.system_drive != env_b.system_drive {
        return None;
    }
    let ra = Resolver::new(policy, env_a);
    let rb = Resolver::new(policy, env_b);
    if ra.wow64() != rb.wow64()
        && !*shapes
            .wow64_apart
            .get_or_init(|| wow64_moves_apart(items, shapes))
    {
        return None;
    }
    // patterns with variables elsewhere must resolve alike
    for (d, s) in items.iter().zip(&shapes.shape) {
        if *s == Shape::Other
            && ra.string(d.item.value.pattern()).ok()? != rb.string(d.item.value.pattern()).ok()?
        {
            return None;
        }
    }
    // the folders of the roots whose value changed, in both environments
    let mut changed: Vec<(usize, Vec<Seg>, Vec<Seg>)> = Vec::new();
    for (k, name) in shapes.roots.iter().enumerate() {
        let va = ra.string(&var(name)).ok()?;
        let vb = rb.string(&var(name)).ok()?;
        if va.eq_ignore_ascii_case(&vb) {
            continue;
        }
        changed.push((k, folder(&va)?, folder(&vb)?));
    }
    if changed.is_empty() {
        return Some(rel.vetoes().clone());
    }
    // a folder that reaches into a location that should not be replicated changes which
    // inclusions do: relate again (such folders are rare)
    let dangers = env_b.engine.dangerous(&env_b.system_drive);
    for (_, a, b) in &changed {
        for f in [a, b] {
            let mut below = f.clone();
            below.push(Seg::any());
            if dangers.iter().any(|d| overlaps(&below, &d.root.segs)) {
                return None;
            }
        }
    }
    for (i, (k, a, b)) in changed.iter().enumerate() {
        for (k2, a2, b2) in &changed[i + 1..] {
            if k != k2 && (nested(a, a2) || nested(b, b2)) {
                return None;
            }
        }
    }
    let root_of = |i: usize| match shapes.shape[i] {
        Shape::Root(k) => changed.iter().position(|c| c.0 == k as usize),
        _ => None,
    };
    for (i, d) in items.iter().enumerate() {
        match root_of(i) {
            Some(_) => {
                // only file patterns that resolved, and whose prefix is the folder
                if pattern_kind(&d.item.value) != FilterKind::Files || rel.problem(i) {
                    return None;
                }
            }
            None => {
                let segs = rel.segs(i);
                if !segs.is_empty()
                    && changed
                        .iter()
                        .any(|(_, a, b)| reaches(segs, a) || reaches(segs, b))
                {
                    return None;
                }
            }
        }
    }
    // vetoes: unchanged for every other rule; computed again under the new folders
    let mut veto = rel.vetoes().clone();
    let roots = vetoed_roots(env_b);
    // per changed folder: the vetoed roots it can reach, and whether it is a drive's root
    let near: Vec<(Vec<usize>, bool)> = changed
        .iter()
        .map(|(_, _, b)| {
            let reach = (0..roots.len())
                .filter(|&k| {
                    let r = &roots[k].0.segs;
                    nested(b, r.strip_suffix(&[Seg::any()]).unwrap_or(r))
                })
                .collect();
            (reach, b.len() == 1)
        })
        .collect();
    for i in 0..items.len() {
        let Some(c) = root_of(i) else { continue };
        veto.remove(&i);
        let (_, a, b) = &changed[c];
        let segs = rel.segs(i);
        let rest = segs.get(a.len()..).filter(|_| segs.starts_with(a))?;
        let (reach, drive) = &near[c];
        if !rel.is_include(i) || reach.is_empty() && !drive {
            continue;
        }
        let full: Vec<Seg> = b.iter().chain(rest).cloned().collect();
        if full.len() == 2 && full[1].is_any() {
            if let Some(why) = env_b.engine.drive_root_veto() {
                veto.insert(i, why.to_string());
                continue;
            }
        }
        if let Some((root, why)) = reach
            .iter()
            .map(|&k| &roots[k])
            .find(|(root, _)| overlaps(&full, &root.segs))
        {
            veto.insert(
                i,
                format!("{why} ({})", root.display.trim_end_matches("\\**")),
            );
        }
    }
    Some(veto)
}

fn var(name: &str) -> Str {
    Str {
        use_offsets: None,
        value: format!("%{name}%"),
        span: Default::default(),
        literal: true,
    }
}
