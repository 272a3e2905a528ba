//! A YAML tree in which every node keeps its span, for the version matrix and target profiles.
//!
//! serde_yaml reports locations for syntax errors only; amxc must point at the exact value a
//! matrix or target gets wrong (a value outside a domain, an unknown key), so it reads YAML
//! events with saphyr-parser and builds this tree. Aliases are expanded within a budget, so an
//! alias bomb is an error, not an hour of work.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

/// Most nodes a document may expand to (aliases included).
pub const MAX_NODES: usize = 100_000;
/// Deepest nesting of collections.
pub const MAX_YAML_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A scalar with its text as written; `quoted` when it was a quoted string.
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, quoted: false } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// What kind of node this is, in words, for messages.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { .. } if self.is_null() => "nothing (null)",
            NodeKind::Scalar { .. } => "a scalar",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    /// The scalar, or the scalars of a list: `x` and `[x, y]` both give a list.
    pub fn scalar_or_list(&self) -> Option<Vec<(&str, Span)>> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(vec![(text.as_str(), self.span)]),
            NodeKind::Seq(items) => items
                .iter()
                .map(|n| n.as_scalar().map(|s| (s, n.span)))
                .collect(),
            NodeKind::Map(_) => None,
        }
    }
}

/// Read one YAML document. `code` is the diagnostic code for syntax errors.
/// Whether `text` has the shape of a YAML file amxc wrote (an output read back by `amxc diff`):
/// one document, nesting at most [`MAX_YAML_DEPTH`] deep, no aliases, no NUL. One pass over
/// the parser's events, whatever the size — outputs of large policies hold millions of
/// nodes — so that a file made to exhaust a reader is refused before one reads it.
pub fn written_shape(text: &str) -> Result<(), String> {
    if text.contains('\0') {
        return Err("a NUL character".into());
    }
    let mut parser = Parser::new_from_str(text.strip_prefix('\u{feff}').unwrap_or(text));
    let mut depth = 0usize;
    let mut documents = 0usize;
    while let Some(next) = parser.next_event() {
        let (event, span) =
            next.map_err(|e| format!("{} (line {})", e.info(), e.marker().line()))?;
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(format!(
                        "a second YAML document (line {})",
                        span.start.line()
                    ));
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_YAML_DEPTH {
                    return Err(format!(
                        "YAML nests deeper than {MAX_YAML_DEPTH} levels (line {})",
                        span.start.line()
                    ));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            Event::Alias(_) => {
                return Err(format!(
                    "a YAML alias, which amxc never writes (line {})",
                    span.start.line()
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

pub fn load(file: FileId, text: &str, code: Code) -> Result<Node, Diagnostic> {
    // a NUL would silently end the document in some readers: refused where it is
    if let Some(at) = text.find('\0') {
        return Err(Diagnostic::new(code, "invalid YAML: a NUL character")
            .at(file, Span::new(at, at + 1), "here")
            .with_help("remove it; YAML files are text"));
    }
    let byte_of = char_to_byte(text);
    let to_span = |s: &saphyr_parser::Span| {
        let a = byte_of(s.start.index());
        let b = byte_of(s.end.index()).max(a);
        Span::new(a, b)
    };
    // a byte order mark (editors on Windows write one) is read as a space: one character for
    // one, so that positions still point into the file as it is
    let unmarked;
    let source = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            unmarked = format!(" {rest}");
            unmarked.as_str()
        }
        None => text,
    };
    let mut parser = Parser::new_from_str(source);
    let mut stack: Vec<(Node, Option<Node>, usize)> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut budget = MAX_NODES;
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(e) => e,
            Err(e) => {
                let at = byte_of(e.marker().index());
                return Err(Diagnostic::new(code, format!("invalid YAML: {}", e.info()))
                    .at(file, Span::new(at, at), "here")
                    .with_help("fix the YAML syntax at this place"));
            }
        };
        let sp = to_span(&span);
        let (node, anchor) = match event {
            Event::StreamEnd => break,
            Event::DocumentEnd => continue,
            Event::DocumentStart(_) if root.is_some() => {
                return Err(Diagnostic::new(code, "a second YAML document in one file")
                    .at(file, sp, "a second document starts here")
                    .with_help("amxc reads one document a file: remove the `---` and what follows, or split the file"));
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => continue,
            Event::Scalar(value, style, anchor, _) => (
                Node {
                    kind: NodeKind::Scalar {
                        text: value.into_owned(),
                        quoted: !matches!(style, ScalarStyle::Plain),
                    },
                    span: sp,
                },
                anchor,
            ),
            Event::Alias(id) => {
                let Some(target) = anchors.get(&id) else {
                    return Err(Diagnostic::new(code, "alias to an unknown anchor").at(
                        file,
                        sp,
                        "this alias",
                    ));
                };
                let size = count(target);
                if size > budget {
                    return Err(Diagnostic::new(
                        code,
                        format!("aliases expand to more than {MAX_NODES} nodes"),
                    )
                    .at(file, sp, "expanding this alias exceeds the limit")
                    .with_help("YAML aliases that multiply are refused (a \"billion laughs\" document); write the values out"));
                }
                budget -= size;
                let mut n = target.clone();
                n.span = sp;
                (n, 0)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let kind = if matches!(event, Event::SequenceStart(..)) {
                    NodeKind::Seq(Vec::new())
                } else {
                    NodeKind::Map(Vec::new())
                };
                if stack.len() >= MAX_YAML_DEPTH {
                    return Err(Diagnostic::new(
                        code,
                        format!("YAML nests deeper than {MAX_YAML_DEPTH} levels"),
                    )
                    .at(file, sp, "too deep here"));
                }
                stack.push((Node { kind, span: sp }, None, anchor));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((mut n, _, anchor)) = stack.pop() else {
                    continue;
                };
                n.span = Span::new(n.span.start(), sp.end().max(n.span.start()));
                (n, anchor)
            }
        };
        if budget == 0 {
            return Err(
                Diagnostic::new(code, format!("document has more than {MAX_NODES} nodes")).at(
                    file,
                    node.span,
                    "limit reached here",
                ),
            );
        }
        budget -= 1;
        if anchor > 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => {
                if root.is_none() {
                    root = Some(node);
                }
            }
            Some((parent, pending_key, _)) => match &mut parent.kind {
                NodeKind::Seq(items) => items.push(node),
                NodeKind::Map(entries) => match pending_key.take() {
                    None => *pending_key = Some(node),
                    Some(k) => entries.push((k, node)),
                },
                NodeKind::Scalar { .. } => {}
            },
        }
    }
    Ok(root.unwrap_or(Node {
        kind: NodeKind::Scalar {
            text: String::new(),
            quoted: false,
        },
        span: Span::new(0, 0),
    }))
}

fn count(n: &Node) -> usize {
    match &n.kind {
        NodeKind::Scalar { .. } => 1,
        NodeKind::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        NodeKind::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| count(k) + count(v))
                .sum::<usize>()
        }
    }
}

/// saphyr counts characters; spans count bytes.
fn char_to_byte(text: &str) -> impl Fn(usize) -> usize + '_ {
    let ascii = text.is_ascii();
    let offsets: Vec<usize> = if ascii {
        Vec::new()
    } else {
        text.char_indices().map(|(i, _)| i).collect()
    };
    move |ci: usize| {
        if ascii {
            ci.min(text.len())
        } else {
            offsets.get(ci).copied().unwrap_or(text.len())
        }
    }
}

/// Reads a mapping's keys against a fixed schema, reporting unknown and duplicate keys.
pub struct Fields<'a> {
    entries: &'a [(Node, Node)],
    used: Vec<bool>,
}

impl<'a> Fields<'a> {
    pub fn new(entries: &'a [(Node, Node)]) -> Self {
        Fields {
            entries,
            used: vec![false; entries.len()],
        }
    }

    pub fn get(&mut self, key: &str) -> Option<&'a Node> {
        let mut found = None;
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if k.as_scalar() == Some(key) {
                self.used[i] = true;
                if found.is_none() {
                    found = Some(v);
                }
            }
        }
        found
    }

    /// Keys never asked for, with their spans.
    pub fn unknown(&self) -> Vec<(&'a str, Span)> {
        self.entries
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used)
            .map(|((k, _), _)| (k.as_scalar().unwrap_or("?"), k.span))
            .collect()
    }

    /// Keys given twice, with both spans.
    pub fn duplicates(&self) -> Vec<(&'a str, Span, Span)> {
        let mut out = Vec::new();
        for (i, (k, _)) in self.entries.iter().enumerate() {
            if let Some(key) = k.as_scalar() {
                if let Some((first, _)) = self.entries[..i]
                    .iter()
                    .find(|(p, _)| p.as_scalar() == Some(key))
                {
                    out.push((key, first.span, k.span));
                }
            }
        }
        out
    }
}
