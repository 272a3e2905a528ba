//! `amxc lsp`: a Language Server (LSP 3.17) over stdio, on the same checker as the command
//! line. Messages are handled one at a time in the order they arrive; checks run on a worker
//! (`worker.rs`), handed over once no message is waiting, so that requests are answered while
//! a check runs, a burst of edits is checked once, at its last version, a superseded check is
//! given up, and a stale check is never published. Hover and completion on a large policy
//! being typed answer from its last check, an offset mapped back through the edits since;
//! other requests, and any on a small policy, check the text they are about first.
//!
//! - `text.rs`: open documents, UTF-16 positions, incremental edits;
//! - `analysis.rs`: one policy checked from the editor's text, its matrix found as the command
//!   line finds it (an open matrix buffer wins over the file);
//! - `symbols.rs`, `hover.rs`, `complete.rs`, `navigate.rs`: what the editor asks.

pub mod analysis;
pub mod complete;
pub mod hover;
pub mod navigate;
pub mod symbols;
pub mod text;
pub mod transport;
pub mod worker;

use analysis::{analyse, Analysis};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as n, Notification as _};
use lsp_types::request::{self as r, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionProviderCapability,
    CompletionOptions, Diagnostic as LspDiagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, DocumentSymbol, DocumentSymbolResponse, GotoDefinitionResponse, Hover,
    HoverContents, HoverProviderCapability, Location, MarkupContent, MarkupKind, NumberOrString,
    OneOf, Position, PublishDiagnosticsParams, Range, RenameOptions, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use text::{Document, LineIndex};
use worker::{Done, Job, Worker};

/// Policies smaller than this are checked before a request about them is answered (a check
/// takes milliseconds); larger ones being typed answer hover and completion from their last
/// check.
const CHECK_BEFORE_ANSWER: usize = 256 * 1024;

/// What the server can do.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["%".into(), " ".into(), "(".into()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(false),
            work_done_progress_options: Default::default(),
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_range_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// The path of a `file:` URI, percent-decoded: a drive letter as VS Code sends it
/// (`file:///c%3A/x` → `c:/x`), a host as a UNC path (`file://server/share/x` →
/// `//server/share/x`, which Windows reads as `\\server\share\x`).
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    let (host, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?
        .into_owned();
    if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
        let host = percent_encoding::percent_decode_str(host)
            .decode_utf8()
            .ok()?;
        return Some(PathBuf::from(format!("//{host}{decoded}")));
    }
    let b = decoded.as_bytes();
    if b.len() >= 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':' {
        return Some(PathBuf::from(&decoded[1..]));
    }
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of a path (a UNC path `//server/share/x` or `\\server\share\x` names its
/// host).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b':');
    let p = path.to_string_lossy().replace('\\', "/");
    if let Some(unc) = p.strip_prefix("//").filter(|u| !u.starts_with('/')) {
        let (host, rest) = unc.find('/').map_or((unc, ""), |i| unc.split_at(i));
        return Uri::from_str(&format!(
            "file://{}{}",
            percent_encoding::utf8_percent_encode(host, SET),
            percent_encoding::utf8_percent_encode(rest, SET)
        ))
        .ok();
    }
    let p = if p.starts_with('/') {
        p
    } else {
        format!("/{p}")
    };
    Uri::from_str(&format!(
        "file://{}",
        percent_encoding::utf8_percent_encode(&p, SET)
    ))
    .ok()
}

fn is_matrix(path: &Path) -> bool {
    path.to_string_lossy().ends_with(".versions.yaml")
}

/// The requests the server answers; any other is answered "method not found" (-32601).
const ANSWERED: &[&str] = &[
    r::HoverRequest::METHOD,
    r::Completion::METHOD,
    r::GotoDefinition::METHOD,
    r::References::METHOD,
    r::Rename::METHOD,
    r::DocumentSymbolRequest::METHOD,
    r::Formatting::METHOD,
    r::RangeFormatting::METHOD,
    r::CodeActionRequest::METHOD,
];

/// The server's state: open documents and the last check of each open policy.
pub struct Server<'c> {
    conn: &'c Connection,
    docs: HashMap<String, (Uri, Document)>,
    analyses: HashMap<String, Analysis>,
    /// Policies to check once no message is waiting.
    dirty: BTreeSet<String>,
    /// URIs diagnostics were published for, per policy (to clear them when they go).
    published: HashMap<String, BTreeSet<String>>,
    worker: Worker,
    /// Per policy, the job the worker is checking and the flag that gives it up.
    running: HashMap<String, (u64, Arc<AtomicBool>)>,
    jobs: u64,
}

type Handled = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Serve one client on `conn` until it asks to exit.
pub fn serve(conn: &Connection) -> Handled {
    let caps = serde_json::to_value(capabilities())?;
    let init = serde_json::json!({
        "capabilities": caps,
        "serverInfo": { "name": "amxc", "version": env!("CARGO_PKG_VERSION") },
    });
    let (id, _params) = conn.initialize_start()?;
    conn.initialize_finish(id, init)?;
    let mut server = Server {
        conn,
        docs: HashMap::new(),
        analyses: HashMap::new(),
        dirty: BTreeSet::new(),
        published: HashMap::new(),
        worker: Worker::start(),
        running: HashMap::new(),
        jobs: 0,
    };
    loop {
        // hand what changed to the worker once the client has nothing more to say
        if conn.receiver.is_empty() {
            server.dispatch();
        }
        crossbeam_channel::select! {
            recv(conn.receiver) -> msg => {
                let Ok(msg) = msg else { return Ok(()) };
                match msg {
                    Message::Request(req) => {
                        if conn.handle_shutdown(&req)? {
                            return Ok(());
                        }
                        let resp = server.request(req);
                        conn.sender.send(Message::Response(resp))?;
                    }
                    Message::Notification(not) => {
                        if not.method == n::Exit::METHOD {
                            return Ok(());
                        }
                        server.notification(not);
                    }
                    Message::Response(_) => {}
                }
            }
            recv(server.worker.done) -> done => {
                if let Ok(done) = done {
                    server.finished(done);
                }
            }
        }
    }
}

/// `amxc lsp`: serve on stdin/stdout.
pub fn run_stdio() -> Handled {
    let (conn, io) = transport::stdio();
    serve(&conn)?;
    drop(conn);
    io.join()?;
    Ok(())
}

impl Server<'_> {
    /// The text of the buffer open at `path`, if one is (the disk is read otherwise).
    fn read(&self, path: &Path) -> Option<String> {
        let key = path_to_uri(path).map(|u| u.as_str().to_string())?;
        self.docs.get(&key).map(|(_, d)| d.text.clone())
    }

    fn notification(&mut self, not: Notification) {
        match not.method.as_str() {
            n::DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(not.params)
                {
                    let uri = p.text_document.uri;
                    let key = uri.as_str().to_string();
                    // a document opened again starts its versions again
                    self.analyses.remove(&key);
                    self.docs.insert(
                        key.clone(),
                        (
                            uri,
                            Document::new(p.text_document.text, p.text_document.version),
                        ),
                    );
                    self.touched(&key);
                }
            }
            n::DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(not.params)
                {
                    let key = p.text_document.uri.as_str().to_string();
                    if let Some((_, d)) = self.docs.get_mut(&key) {
                        d.apply(p.content_changes, p.text_document.version);
                        self.touched(&key);
                    }
                }
            }
            n::DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(not.params)
                {
                    let key = p.text_document.uri.as_str().to_string();
                    self.docs.remove(&key);
                    self.analyses.remove(&key);
                    self.dirty.remove(&key);
                    self.supersede(&key);
                    // a closed policy's findings go; a closed matrix is read from disk again
                    for uri in self.published.remove(&key).unwrap_or_default() {
                        self.publish(&uri, Vec::new(), None);
                    }
                    self.touched(&key);
                }
            }
            _ => {}
        }
    }

    /// A document changed: itself, or the open policies whose matrix it is, need a check.
    fn touched(&mut self, key: &str) {
        let Some(path) = Uri::from_str(key).ok().as_ref().and_then(uri_to_path) else {
            return;
        };
        if is_matrix(&path) {
            let policies: Vec<String> = self
                .docs
                .iter()
                .filter(|(_, (u, _))| {
                    uri_to_path(u).is_some_and(|p| crate::matrix::matrix_path_for(&p) == path)
                })
                .map(|(k, _)| k.clone())
                .collect();
            for k in &policies {
                self.supersede(k);
            }
            self.dirty.extend(policies);
        } else if self.docs.contains_key(key) {
            self.supersede(key);
            self.dirty.insert(key.to_string());
        }
    }

    /// A newer text of `key` supersedes the check the worker runs of it.
    fn supersede(&mut self, key: &str) {
        if let Some((_, cancel)) = self.running.remove(key) {
            cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Hand every changed policy to the worker, as its document is now.
    fn dispatch(&mut self) {
        // the open matrices, which a check reads instead of the files
        let buffers: HashMap<PathBuf, String> = self
            .docs
            .values()
            .filter_map(|(u, d)| uri_to_path(u).map(|p| (p, d)))
            .filter(|(p, _)| is_matrix(p))
            .map(|(p, d)| (p, d.text.clone()))
            .collect();
        for key in std::mem::take(&mut self.dirty) {
            let Some((uri, doc)) = self.docs.get(&key) else {
                continue;
            };
            let cancel = Arc::new(AtomicBool::new(false));
            self.jobs += 1;
            self.running
                .insert(key.clone(), (self.jobs, Arc::clone(&cancel)));
            self.worker.submit(Job {
                id: self.jobs,
                key: key.clone(),
                version: doc.version,
                path: uri_to_path(uri).unwrap_or_else(|| PathBuf::from("policy.amx")),
                text: doc.text.clone(),
                buffers: buffers.clone(),
                cancel,
            });
        }
    }

    /// A check the worker finished: kept when it is the one expected (no newer text, no
    /// check here since), and published when nothing changed since it was handed over.
    fn finished(&mut self, done: Done) {
        if self
            .running
            .get(&done.key)
            .is_none_or(|(id, _)| *id != done.id)
        {
            return;
        }
        self.running.remove(&done.key);
        let Some(a) = done.analysis else { return };
        if !self.docs.contains_key(&done.key) {
            return;
        }
        self.keep(&done.key, a, done.version);
        if !self.dirty.contains(&done.key) {
            self.publish_for(&done.key);
        }
    }

    /// Keep `a`, the check of version `version` of `key`.
    fn keep(&mut self, key: &str, mut a: Analysis, version: i32) {
        a.version = version;
        if a.policy.is_none() {
            // the names of the last text that parsed, else of this one with its bad lines blanked
            let prev = self
                .analyses
                .remove(key)
                .and_then(|prev| prev.policy.or(prev.last_parsed));
            a.last_parsed = prev.or(a.last_parsed.take());
        }
        if let Some((_, d)) = self.docs.get_mut(key) {
            d.forget_until(version);
        }
        self.analyses.insert(key.to_string(), a);
    }

    /// Check `key` here, now.
    fn analyse(&mut self, key: &str) {
        let Some((uri, doc)) = self.docs.get(key) else {
            return;
        };
        let path = uri_to_path(uri).unwrap_or_else(|| PathBuf::from("policy.amx"));
        let version = doc.version;
        let a = analyse(&path, &doc.text, &|p| self.read(p));
        self.supersede(key);
        self.keep(key, a, version);
    }

    /// The analysis of an open policy, of its text as it is.
    fn fresh(&mut self, key: &str) -> Option<&Analysis> {
        let version = self.docs.get(key).map(|(_, d)| d.version);
        let stale = self
            .analyses
            .get(key)
            .is_none_or(|a| Some(a.version) != version);
        if self.dirty.remove(key) || stale {
            self.analyse(key);
            self.publish_for(key);
        }
        self.analyses.get(key)
    }

    /// For hover and completion while a large policy is typed: its last check and the
    /// request's offset in the text that check read (checked first when the policy is small,
    /// was never checked, or its edits since are not known).
    fn for_typing(&mut self, key: &str, offset: usize) -> Option<(&Analysis, usize)> {
        let (_, doc) = self.docs.get(key)?;
        let mapped = match self.analyses.get(key) {
            Some(a) if doc.text.len() >= CHECK_BEFORE_ANSWER => doc.offset_in(a.version, offset),
            _ => None,
        };
        match mapped {
            Some(o) => self.analyses.get(key).map(|a| (a, o)),
            None => self.fresh(key).map(|a| (a, offset)),
        }
    }

    fn publish(&self, uri: &str, diagnostics: Vec<LspDiagnostic>, version: Option<i32>) {
        let Ok(uri) = Uri::from_str(uri) else { return };
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let _ = self
            .conn
            .sender
            .send(Message::Notification(Notification::new(
                n::PublishDiagnostics::METHOD.to_string(),
                params,
            )));
    }

    /// Publish a policy's findings: its own, and its matrix's under the matrix's URI.
    fn publish_for(&mut self, key: &str) {
        let Some(a) = self.analyses.get(key) else {
            return;
        };
        let Some((_, doc)) = self.docs.get(key) else {
            return;
        };
        let mut by_file: BTreeMap<String, Vec<LspDiagnostic>> = BTreeMap::new();
        by_file.insert(key.to_string(), Vec::new());
        // one line index a file, not one a diagnostic: 571 findings of a 5 MB policy indexed
        // its text 571 times
        let indexes: Vec<LineIndex> = (0..a.sources.len())
            .map(|f| LineIndex::new(a.sources.text(f)))
            .collect();
        let range_of = |file: usize, span: crate::source::Span| {
            indexes[file].range(a.sources.text(file), span.start(), span.end())
        };
        let uri_of = |file| -> Option<String> {
            if file == a.file {
                Some(key.to_string())
            } else {
                path_to_uri(Path::new(a.sources.name(file))).map(|u| u.as_str().to_string())
            }
        };
        for d in &a.diagnostics {
            let (file, range) = match &d.primary {
                Some(l) => (l.file, range_of(l.file, l.span)),
                None => (a.file, Range::default()),
            };
            let Some(target) = uri_of(file) else { continue };
            by_file
                .entry(target)
                .or_default()
                .push(to_lsp(d, range, &uri_of, &range_of));
        }
        let before = self.published.remove(key).unwrap_or_default();
        let now: BTreeSet<String> = by_file.keys().cloned().collect();
        for gone in before.difference(&now) {
            self.publish(gone, Vec::new(), None);
        }
        for (uri, ds) in by_file {
            let version = (uri == key).then_some(doc.version);
            self.publish(&uri, ds, version);
        }
        self.published.insert(key.to_string(), now);
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        if !ANSWERED.contains(&req.method.as_str()) {
            return Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("amxc lsp does not answer `{}`", req.method),
            );
        }
        match self.answer(req) {
            Ok(v) => Response::new_ok(id, v),
            Err(why) => Response::new_err(id, ErrorCode::InvalidParams as i32, why),
        }
    }

    // `WorkspaceEdit` keys its changes by `Uri`, whose cached parts clippy takes for
    // interior mutability; a `Uri` is never changed once built
    #[allow(clippy::mutable_key_type)]
    fn answer(&mut self, req: Request) -> Result<serde_json::Value, String> {
        let json = |v: serde_json::Result<serde_json::Value>| v.map_err(|e| e.to_string());
        macro_rules! params {
            ($t:ty) => {
                serde_json::from_value::<$t>(req.params.clone()).map_err(|e| e.to_string())?
            };
        }
        match req.method.as_str() {
            r::HoverRequest::METHOD => {
                let p = params!(lsp_types::HoverParams);
                let (key, offset) = self.at(&p.text_document_position_params)?;
                let (a, offset) = self.for_typing(&key, offset).ok_or("not an open policy")?;
                // the text the check read, at the offset there
                let h = hover::hover(a, a.sources.text(a.file), offset).map(|md| Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: md,
                    }),
                    range: None,
                });
                json(serde_json::to_value(h))
            }
            r::Completion::METHOD => {
                let p = params!(lsp_types::CompletionParams);
                let (key, offset) = self.at(&p.text_document_position)?;
                let text = self.text(&key);
                // the names of the last check, the words around the cursor of the text now
                let (a, _) = self.for_typing(&key, offset).ok_or("not an open policy")?;
                json(serde_json::to_value(complete::complete(a, &text, offset)))
            }
            r::GotoDefinition::METHOD => {
                let p = params!(lsp_types::GotoDefinitionParams);
                let (key, offset) = self.at(&p.text_document_position_params)?;
                let text = self.text(&key);
                let a = self.fresh(&key).ok_or("not an open policy")?;
                let loc = navigate::definition(a, &text, offset).and_then(|t| match t {
                    navigate::Target::Policy(s) => Some(Location::new(
                        Uri::from_str(&key).ok()?,
                        LineIndex::new(&text).range(&text, s.start(), s.end()),
                    )),
                    navigate::Target::Matrix(s) => {
                        let mf = a.matrix_file?;
                        let mt = a.sources.text(mf);
                        Some(Location::new(
                            path_to_uri(&a.matrix_path)?,
                            LineIndex::new(mt).range(mt, s.start(), s.end()),
                        ))
                    }
                });
                json(serde_json::to_value(
                    loc.map(GotoDefinitionResponse::Scalar),
                ))
            }
            r::References::METHOD => {
                let p = params!(lsp_types::ReferenceParams);
                let (key, offset) = self.at(&p.text_document_position)?;
                let text = self.text(&key);
                let a = self.fresh(&key).ok_or("not an open policy")?;
                let ix = LineIndex::new(&text);
                let uri = Uri::from_str(&key).map_err(|e| e.to_string())?;
                let locs: Vec<Location> =
                    navigate::references(a, &text, offset, p.context.include_declaration)
                        .into_iter()
                        .map(|s| Location::new(uri.clone(), ix.range(&text, s.start(), s.end())))
                        .collect();
                json(serde_json::to_value(locs))
            }
            r::Rename::METHOD => {
                let p = params!(lsp_types::RenameParams);
                let (key, offset) = self.at(&p.text_document_position)?;
                let text = self.text(&key);
                let a = self.fresh(&key).ok_or("not an open policy")?;
                let spans = navigate::rename(a, &text, offset, &p.new_name)?;
                let ix = LineIndex::new(&text);
                let edits = spans
                    .into_iter()
                    .map(|s| TextEdit::new(ix.range(&text, s.start(), s.end()), p.new_name.clone()))
                    .collect();
                let uri = Uri::from_str(&key).map_err(|e| e.to_string())?;
                let mut changes = HashMap::new();
                changes.insert(uri, edits);
                json(serde_json::to_value(WorkspaceEdit::new(changes)))
            }
            r::DocumentSymbolRequest::METHOD => {
                let p = params!(lsp_types::DocumentSymbolParams);
                let key = p.text_document.uri.as_str().to_string();
                let text = self.text(&key);
                let a = self.fresh(&key).ok_or("not an open policy")?;
                let ix = LineIndex::new(&text);
                let outline = a
                    .policy
                    .as_ref()
                    .map(|pol| navigate::outline(pol, &text))
                    .unwrap_or_default();
                json(serde_json::to_value(DocumentSymbolResponse::Nested(
                    outline.iter().map(|o| symbol(&ix, &text, o)).collect(),
                )))
            }
            r::Formatting::METHOD | r::RangeFormatting::METHOD => {
                let uri = req.params["textDocument"]["uri"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                let range: Option<Range> = serde_json::from_value(req.params["range"].clone()).ok();
                let text = self.text(&uri);
                json(serde_json::to_value(format_edits(&text, range)))
            }
            r::CodeActionRequest::METHOD => {
                let p = params!(lsp_types::CodeActionParams);
                let key = p.text_document.uri.as_str().to_string();
                let a = self.fresh(&key).ok_or("not an open policy")?;
                json(serde_json::to_value(code_actions(a, &key, p.range)))
            }
            other => Err(format!("amxc lsp does not answer `{other}`")),
        }
    }

    fn text(&self, key: &str) -> String {
        self.docs
            .get(key)
            .map(|(_, d)| d.text.clone())
            .unwrap_or_default()
    }

    /// The document and byte offset of a position.
    fn at(&self, p: &lsp_types::TextDocumentPositionParams) -> Result<(String, usize), String> {
        let key = p.text_document.uri.as_str().to_string();
        let (_, d) = self.docs.get(&key).ok_or("the document is not open")?;
        Ok((key, d.offset(p.position)))
    }
}

fn to_lsp(
    d: &crate::diagnostic::Diagnostic,
    range: Range,
    uri_of: &dyn Fn(usize) -> Option<String>,
    range_of: &dyn Fn(usize, crate::source::Span) -> Range,
) -> LspDiagnostic {
    let mut message = d.message.clone();
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    let related = d
        .secondary
        .iter()
        .filter_map(|l| {
            let uri = Uri::from_str(&uri_of(l.file)?).ok()?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri, range_of(l.file, l.span)),
                message: l.message.clone(),
            })
        })
        .collect::<Vec<_>>();
    LspDiagnostic {
        range,
        severity: Some(match d.severity {
            crate::diagnostic::Severity::Error => DiagnosticSeverity::ERROR,
            crate::diagnostic::Severity::Warning => DiagnosticSeverity::WARNING,
            crate::diagnostic::Severity::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("amxc".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..LspDiagnostic::default()
    }
}

fn symbol(ix: &LineIndex, text: &str, o: &navigate::Outline) -> DocumentSymbol {
    #[allow(deprecated)]
    DocumentSymbol {
        name: o.name.clone(),
        detail: o.detail.clone(),
        kind: o.kind,
        tags: None,
        deprecated: None,
        range: ix.range(text, o.range.start(), o.range.end()),
        selection_range: ix.range(text, o.selection.start(), o.selection.end()),
        children: Some(o.children.iter().map(|c| symbol(ix, text, c)).collect()),
    }
}

/// The edits `amxc fmt` makes, whole or within `range` (the lines that change inside it). A
/// document that does not parse is left as it is.
pub fn format_edits(text: &str, range: Option<Range>) -> Vec<TextEdit> {
    if crate::parse::parse(0, text).has_errors() {
        return Vec::new();
    }
    let formatted = crate::format::format_file(text);
    if formatted == text {
        return Vec::new();
    }
    let ix = LineIndex::new(text);
    let Some(range) = range else {
        return vec![TextEdit::new(ix.range(text, 0, text.len()), formatted)];
    };
    // line hunks; those that touch the range
    let diff = similar::TextDiff::from_lines(text, &formatted);
    let old_lines: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_start = |l: usize| old_lines.get(l).copied().unwrap_or(text.len());
    let mut edits = Vec::new();
    for op in diff.ops() {
        if op.tag() == similar::DiffTag::Equal {
            continue;
        }
        let (old, new) = (op.old_range(), op.new_range());
        let (first, last) = (old.start as u32, old.end as u32);
        if last < range.start.line || first > range.end.line {
            continue;
        }
        let replacement: String = formatted
            .split_inclusive('\n')
            .skip(new.start)
            .take(new.len())
            .collect();
        edits.push(TextEdit::new(
            ix.range(text, line_start(old.start), line_start(old.end)),
            replacement,
        ));
    }
    edits
}

/// A code action for every finding with a fix whose place meets `range`.
#[allow(clippy::mutable_key_type)] // as in `answer`
fn code_actions(a: &Analysis, key: &str, range: Range) -> Vec<CodeActionOrCommand> {
    let text = a.sources.text(a.file);
    let ix = LineIndex::new(text);
    let mut out = Vec::new();
    for d in &a.diagnostics {
        let (Some(fix), Some(l)) = (&d.fix, &d.primary) else {
            continue;
        };
        if l.file != a.file || fix.file != a.file {
            continue;
        }
        let r = ix.range(text, l.span.start(), l.span.end());
        if r.end < range.start || r.start > range.end {
            continue;
        }
        let Ok(uri) = Uri::from_str(key) else {
            continue;
        };
        let mut changes = HashMap::new();
        changes.insert(
            uri,
            vec![TextEdit::new(
                ix.range(text, fix.span.start(), fix.span.end()),
                fix.replacement.clone(),
            )],
        );
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("{} ({})", fix.title, d.code),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: None,
            edit: Some(WorkspaceEdit::new(changes)),
            is_preferred: Some(true),
            ..CodeAction::default()
        }));
    }
    out
}

/// A position, for tests and the editor clients: line and UTF-16 column.
pub fn position(line: u32, character: u32) -> Position {
    Position::new(line, character)
}

#[cfg(test)]
mod uri_tests {
    use super::{path_to_uri, uri_to_path};
    use lsp_types::Uri;
    use std::path::{Path, PathBuf};
    use std::str::FromStr;

    fn path(uri: &str) -> Option<PathBuf> {
        uri_to_path(&Uri::from_str(uri).ok()?)
    }

    #[test]
    fn drive_letters_as_editors_send_them() {
        assert_eq!(
            path("file:///c%3A/Policies/mail%20security.amx"),
            Some(PathBuf::from("c:/Policies/mail security.amx"))
        );
        assert_eq!(path("file:///C:/p.amx"), Some(PathBuf::from("C:/p.amx")));
        assert_eq!(path("file:///srv/p.amx"), Some(PathBuf::from("/srv/p.amx")));
        assert_eq!(
            path("file://localhost/srv/p.amx"),
            Some(PathBuf::from("/srv/p.amx"))
        );
    }

    #[test]
    fn a_host_is_a_unc_path_and_back() {
        assert_eq!(
            path("file://fileserver/policies/p.amx"),
            Some(PathBuf::from("//fileserver/policies/p.amx"))
        );
        let uri = path_to_uri(Path::new("\\\\fileserver\\policies\\p.amx"))
            .map(|u| u.as_str().to_string());
        assert_eq!(uri.as_deref(), Some("file://fileserver/policies/p.amx"));
        let uri =
            path_to_uri(Path::new("//fileserver/policies/p.amx")).map(|u| u.as_str().to_string());
        assert_eq!(uri.as_deref(), Some("file://fileserver/policies/p.amx"));
    }

    #[test]
    fn paths_round_trip() {
        for p in [
            "/srv/amx/mail security.amx",
            "/srv/amx/Größe.amx",
            "C:/p/x.amx",
        ] {
            let uri = path_to_uri(Path::new(p));
            assert_eq!(
                uri.as_ref().and_then(uri_to_path),
                Some(PathBuf::from(p)),
                "{uri:?}"
            );
        }
    }
}
