//! Go to definition, find references, rename and the outline.

use super::analysis::Analysis;
use super::symbols::{self, Kind, Symbol};
use crate::ast::Policy;
use crate::source::Span;
use lsp_types::SymbolKind;

/// Where a name is defined: `(file text offsets, in the policy)` or, for a release that is
/// already at its `versions` entry, its entry in the matrix.
pub enum Target {
    Policy(Span),
    Matrix(Span),
}

/// The definition of the name at `offset`.
pub fn definition(a: &Analysis, text: &str, offset: usize) -> Option<Target> {
    let p = a.policy.as_ref()?;
    let syms = symbols::index(p, text);
    let s = symbols::at(&syms, offset)?;
    let def = symbols::same(&syms, s).find(|x| x.def);
    match def {
        Some(d) if d.span != s.span => Some(Target::Policy(d.span)),
        _ if s.kind == Kind::Release => {
            let m = a.matrix.as_ref()?;
            let r = m.releases.iter().find(|r| r.date.to_string() == s.key)?;
            Some(Target::Matrix(r.date.span))
        }
        Some(d) => Some(Target::Policy(d.span)),
        None => None,
    }
}

/// Every occurrence of the name at `offset` (with its definition when `with_def`).
pub fn references(a: &Analysis, text: &str, offset: usize, with_def: bool) -> Vec<Span> {
    let Some(p) = a.policy.as_ref() else {
        return Vec::new();
    };
    let syms = symbols::index(p, text);
    let Some(s) = symbols::at(&syms, offset) else {
        return Vec::new();
    };
    symbols::same(&syms, s)
        .filter(|x| with_def || !x.def)
        .map(|x| x.span)
        .collect()
}

/// Why a rename cannot be done, or the spans to replace and whether the new name must be
/// quoted where it stands.
pub fn rename(
    a: &Analysis,
    text: &str,
    offset: usize,
    new_name: &str,
) -> Result<Vec<Span>, String> {
    let p = a.policy.as_ref().ok_or("the policy does not parse")?;
    let syms = symbols::index(p, text);
    let s: &Symbol = symbols::at(&syms, offset).ok_or("no variable or service here")?;
    match s.kind {
        Kind::Variable => {
            if !crate::ast::is_var_name(new_name) {
                return Err(format!("`{new_name}` cannot name a path variable: a letter or `_`, then letters, digits and `_ . $ - ( )`"));
            }
        }
        Kind::Service => {
            if new_name.is_empty()
                || !new_name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'))
            {
                return Err(format!(
                    "`{new_name}` is not a service name amxc can write unquoted; rename it by hand"
                ));
            }
        }
        Kind::Release | Kind::Task => {
            return Err(format!(
                "a {} is not renamed: it names the matrix's or the product's",
                s.kind.word()
            ))
        }
    }
    let clash = syms.iter().any(|x| {
        x.kind == s.kind && x.def && x.key == new_name.to_ascii_lowercase() && x.key != s.key
    });
    if clash {
        return Err(format!(
            "a {} named `{new_name}` exists already",
            s.kind.word()
        ));
    }
    let spans: Vec<Span> = symbols::same(&syms, s).map(|x| x.span).collect();
    // the edit must read back as the same symbol under its new name: whatever the rules above
    // let through, a name the grammar would not read (`1abc`, `-x`, `$`, `.`) is refused
    let mut edited = text.to_string();
    let mut sorted = spans.clone();
    sorted.sort_by_key(|sp| std::cmp::Reverse(sp.start()));
    for sp in &sorted {
        edited.replace_range(sp.range(), new_name);
    }
    let reparsed = crate::parse::parse(0, &edited);
    let reads_back = reparsed.value.as_ref().is_some_and(|p2| {
        !reparsed.diagnostics.iter().any(|d| d.is_error()) && {
            let first = sorted.last().map_or(0, |sp| sp.start());
            symbols::at(&symbols::index(p2, &edited), first)
                .is_some_and(|x| x.kind == s.kind && x.key == new_name.to_ascii_lowercase())
        }
    });
    if !reads_back {
        return Err(format!(
            "`{new_name}` would not read back as a {} name; rename it by hand",
            s.kind.word()
        ));
    }
    Ok(spans)
}

/// One entry of the outline.
pub struct Outline {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: Span,
    pub selection: Span,
    pub children: Vec<Outline>,
}

fn body_outline(b: &crate::ast::Body, text: &str) -> Vec<Outline> {
    let mut out = Vec::new();
    for pd in &b.paths {
        out.push(Outline {
            name: pd.value.name.text.clone(),
            detail: Some(pd.value.pattern.value.clone()),
            kind: SymbolKind::VARIABLE,
            range: pd.span,
            selection: pd.value.name.span,
            children: Vec::new(),
        });
    }
    for s in &b.services {
        out.push(Outline {
            name: s.value.name.text.clone(),
            detail: s.value.display.as_ref().map(|d| d.value.clone()),
            kind: SymbolKind::OBJECT,
            range: s.span,
            selection: s.value.name.span,
            children: Vec::new(),
        });
    }
    if let (Some(first), Some(last)) = (b.data.first(), b.data.last()) {
        out.push(Outline {
            name: format!("data ({} rules)", b.data.len()),
            detail: None,
            kind: SymbolKind::ARRAY,
            range: Span::new(first.span.start(), last.span.end().min(text.len())),
            selection: first.span,
            children: Vec::new(),
        });
    }
    for t in &b.tasks {
        out.push(Outline {
            name: t.value.name.text.clone(),
            detail: Some(t.value.at.value.keyword().to_string()),
            kind: SymbolKind::FUNCTION,
            range: t.span,
            selection: t.value.name.span,
            children: Vec::new(),
        });
    }
    out
}

/// The outline: variables, services, data, tasks; each exception with its own.
pub fn outline(p: &Policy, text: &str) -> Vec<Outline> {
    let mut out = body_outline(&p.base, text);
    for e in &p.exceptions {
        out.push(Outline {
            name: format!("exception {}", e.release),
            detail: None,
            kind: SymbolKind::EVENT,
            range: e.span,
            selection: e.release.span,
            children: body_outline(&e.body, text),
        });
    }
    // the protocol wants every range inside its parent and the selection inside the range
    fn fix(o: &mut Outline) {
        o.range = Span::new(
            o.range.start().min(o.selection.start()),
            o.range.end().max(o.selection.end()),
        );
        o.children.iter_mut().for_each(fix);
    }
    out.iter_mut().for_each(fix);
    out.sort_by_key(|o| o.range.start());
    out
}
