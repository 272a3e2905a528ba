//! Path variables as declared, whatever the configuration: a variable nothing uses, and
//! variables that define each other in a cycle (reported at the definitions, used or not).

use crate::ast::{var_uses, Policy};
use crate::diagnostic::{codes, Diagnostic};
use crate::source::Span;

/// One `paths { NAME = '…' }` definition.
struct Def<'p> {
    name: &'p str,
    span: Span,
    value: &'p str,
}

fn definitions(policy: &Policy) -> Vec<Def<'_>> {
    policy
        .path_definitions()
        .map(|p| Def {
            name: &p.name.text,
            span: p.name.span,
            value: &p.pattern.value,
        })
        .collect()
}

pub fn check(policy: &Policy) -> Vec<Diagnostic> {
    let file = policy.file;
    let defs = definitions(policy);
    let mut out = Vec::new();
    // used: anywhere a `%name%` is written, definitions of other variables included
    let used = policy.var_names();
    let mut reported: Vec<String> = Vec::new();
    for d in &defs {
        let key = d.name.to_ascii_lowercase();
        if !used.contains(&key) && !reported.contains(&key) {
            reported.push(key);
            out.push(
                Diagnostic::new(
                    codes::UNUSED_VARIABLE,
                    format!("path variable `%{}%` is never used", d.name),
                )
                .at(file, d.span, "defined here")
                .with_help("remove it, or use it in a pattern, a service name or a task"),
            );
        }
    }
    // cycles: each variable's edges are the variables its definitions use; a depth-first walk
    // with an explicit stack (a chain of any length cannot overflow the native stack)
    let mut first: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, d) in defs.iter().enumerate() {
        first.entry(d.name.to_ascii_lowercase()).or_insert(i);
    }
    let index = |name: &str| first.get(&name.to_ascii_lowercase()).copied();
    let edges: Vec<Vec<usize>> = defs
        .iter()
        .map(|d| var_uses(d.value).filter_map(|(_, n)| index(n)).collect())
        .collect();
    // 0 unseen, 1 on the walk, 2 done
    let mut state = vec![0u8; defs.len()];
    let mut found: Vec<Vec<usize>> = Vec::new();
    for start in 0..defs.len() {
        if state[start] != 0 {
            continue;
        }
        let mut walk: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (v, ref mut next)) = walk.last_mut() {
            if let Some(&w) = edges[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        walk.push((w, 0));
                    }
                    1 => {
                        let from = walk.iter().position(|&(x, _)| x == w).unwrap_or(0);
                        found.push(walk[from..].iter().map(|&(x, _)| x).collect());
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                walk.pop();
            }
        }
    }
    for cycle in found {
        let mut names: Vec<String> = cycle.iter().map(|&i| defs[i].name.to_string()).collect();
        names.push(defs[cycle[0]].name.to_string());
        let first = &defs[cycle[0]];
        let mut d = crate::diagnostic::findings::cyclic_variable(&names).at(
            file,
            first.span,
            "defined from itself through the cycle",
        );
        for &i in &cycle[1..] {
            d = d.with_label(file, defs[i].span, "part of the cycle");
        }
        out.push(d);
    }
    out
}
