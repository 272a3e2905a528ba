//! `amxc lsp`: the protocol over an in-memory connection (each feature's answers snapshotted),
//! robustness while typing (random edit sequences), positions in UTF-16, and one session with
//! the real binary over stdio.

use crate::support::snapshot_settings;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A client talking to a server running on a thread.
struct Client {
    conn: Connection,
    server: Option<std::thread::JoinHandle<()>>,
    next: i32,
    /// Notifications received while waiting for a response.
    pending: Vec<Notification>,
    dir: tempfile::TempDir,
}

impl Client {
    /// A server over the seed policy and its matrix, copied into a folder of their own.
    fn start() -> Client {
        let dir = tempfile::tempdir().expect("temp");
        for f in [
            "symantec-mail-security.amx",
            "symantec-mail-security.versions.yaml",
        ] {
            std::fs::copy(Path::new("policies").join(f), dir.path().join(f)).expect("copy");
        }
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || {
            amxc::lsp::serve(&server).expect("the server runs");
        });
        let mut c = Client {
            conn: client,
            server: Some(handle),
            next: 0,
            pending: Vec::new(),
            dir,
        };
        let caps = c.request("initialize", json!({ "capabilities": {} }));
        assert!(caps["capabilities"]["hoverProvider"]
            .as_bool()
            .unwrap_or(false));
        assert_eq!(
            caps["capabilities"]["textDocumentSync"], 2,
            "incremental sync"
        );
        c.notify("initialized", json!({}));
        c
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn uri(&self, name: &str) -> String {
        amxc::lsp::path_to_uri(&self.path(name))
            .expect("uri")
            .as_str()
            .to_string()
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .expect("send");
        loop {
            match self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(60))
                .expect("an answer")
            {
                Message::Response(r) if r.id == id => {
                    return match r.response_result {
                        Ok(v) => v,
                        Err(e) => json!({ "error": e.message }),
                    };
                }
                Message::Notification(n) => self.pending.push(n),
                _ => {}
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .expect("send");
    }

    fn open(&self, name: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": self.uri(name), "languageId": "amx", "version": 1, "text": text } }),
        );
    }

    /// The next diagnostics published for `name`.
    fn diagnostics(&mut self, name: &str) -> Value {
        let uri = self.uri(name);
        loop {
            if let Some(i) = self.pending.iter().position(|n| {
                n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri
            }) {
                return self.pending.remove(i).params;
            }
            match self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(60))
                .expect("diagnostics")
            {
                Message::Notification(n) => self.pending.push(n),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    /// `{ textDocument, position }` at the `k`-th (0-based) occurrence of `needle` in `text`,
    /// `shift` UTF-16 units into it.
    fn at(&self, name: &str, text: &str, needle: &str, k: usize, shift: u32) -> Value {
        let offset = text
            .match_indices(needle)
            .nth(k)
            .unwrap_or_else(|| panic!("no {needle}"))
            .0;
        let ix = amxc::lsp::text::LineIndex::new(text);
        let mut p = ix.position(text, offset);
        p.character += shift;
        json!({ "textDocument": { "uri": self.uri(name) }, "position": p })
    }

    /// A JSON value with the temporary folder written as `TMP`.
    fn redact(&self, v: &Value) -> String {
        let s = serde_json::to_string_pretty(v).expect("json");
        let uri = amxc::lsp::path_to_uri(self.dir.path())
            .expect("uri")
            .as_str()
            .to_string();
        s.replace(&uri, "file://TMP")
            .replace(&self.dir.path().display().to_string(), "TMP")
    }

    fn stop(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r, Value::Null);
        self.notify("exit", Value::Null);
        self.server
            .take()
            .expect("server")
            .join()
            .expect("the server ends cleanly");
    }
}

fn seed() -> String {
    std::fs::read_to_string("policies/symantec-mail-security.amx").expect("seed")
}

fn snapshot(name: &str, value: String) {
    snapshot_settings(Path::new("tests/lsp.rs")).bind(|| insta::assert_snapshot!(name, value));
}

#[test]
fn diagnostics_carry_code_help_and_the_matrix_location() {
    let mut c = Client::start();
    let text = seed().replace("when app < 6.0", "when ap < 6.0");
    c.open("symantec-mail-security.amx", &text);
    let d = c.diagnostics("symantec-mail-security.amx");
    let list = d["diagnostics"].as_array().expect("list");
    let unknown = list
        .iter()
        .find(|x| x["code"] == "AMX0202")
        .expect("unknown dimension");
    assert!(
        unknown["message"]
            .as_str()
            .is_some_and(|m| m.contains("help: did you mean `app`?")),
        "{unknown}"
    );
    snapshot("lsp@diagnostics", c.redact(&d));
    // the matrix opened and edited: the policy is checked again against the buffer
    let matrix =
        std::fs::read_to_string(c.path("symantec-mail-security.versions.yaml")).expect("matrix");
    c.open(
        "symantec-mail-security.versions.yaml",
        &matrix.replace("file-level-av:", "file-level-antivirus:"),
    );
    let again = c.diagnostics("symantec-mail-security.amx");
    let codes: Vec<&str> = again["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|x| x["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"AMX0205"),
        "has(file-level-av) now names no component: {codes:?}"
    );
    c.stop();
}

#[test]
fn a_burst_of_edits_is_published_for_its_last_version_only() {
    let mut c = Client::start();
    let text = seed();
    c.open("symantec-mail-security.amx", &text);
    let _ = c.diagnostics("symantec-mail-security.amx");
    let uri = c.uri("symantec-mail-security.amx");
    for v in 2..=6 {
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": v }, "contentChanges": [
                { "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "// edit\n" }
            ] }),
        );
    }
    let mut versions = Vec::new();
    loop {
        let d = c.diagnostics("symantec-mail-security.amx");
        versions.push(d["version"].as_i64().unwrap_or(0));
        if versions.last() == Some(&6) {
            break;
        }
    }
    assert!(
        versions.windows(2).all(|w| w[0] < w[1]),
        "never an older version after a newer: {versions:?}"
    );
    assert!(versions.len() <= 5, "{versions:?}");
    c.stop();
}

/// A large policy being typed: edits handed to the worker, hover answered from the last
/// check with the cursor mapped back through the edits since (or from a check of the text as
/// it is, when the worker was quicker) — the same answer either way — and the diagnostics
/// published last are those of the last edit.
#[test]
fn a_large_policy_being_typed_answers_for_the_text_as_it_is() {
    let mut c = Client::start();
    let name = "symantec-mail-security.amx";
    // past the size under which a request checks the text first
    let mut text = seed() + &"// a padding line of the large policy\n".repeat(9000);
    assert!(text.len() > 300 * 1024);
    c.open(name, &text);
    let _ = c.diagnostics(name);
    let uri = c.uri(name);
    let line0 =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } });
    for v in 2..=9 {
        let typed = format!("// typed {v}\n");
        text.insert_str(0, &typed);
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": v }, "contentChanges": [ { "range": line0, "text": typed } ] }),
        );
        // on the service's name, which every edit moved down a line
        let hover = c.request(
            "textDocument/hover",
            c.at(name, &text, "service SMSMSE", 0, 9),
        );
        let md = hover["contents"]["value"].as_str().unwrap_or("");
        assert!(
            md.contains("**service SMSMSE** — Symantec Mail Security"),
            "version {v}: {hover}"
        );
    }
    let mut last = 0;
    while last != 9 {
        let d = c.diagnostics(name);
        last = d["version"].as_i64().unwrap_or(0);
        assert!(last <= 9, "{last}");
    }
    c.stop();
}

#[test]
fn hover_shows_values_settings_releases_rules_and_explanations() {
    let mut c = Client::start();
    let text = seed();
    let name = "symantec-mail-security.amx";
    c.open(name, &text);
    let _ = c.diagnostics(name);
    let mut out = String::new();
    for (what, needle, k, shift) in [
        ("a variable", "%Install%", 0, 2),
        ("a service", "SMSMSE \"Symantec", 0, 1),
        ("a release", "2007-03-27", 0, 1),
        ("a data rule", "files include", 0, 2),
        ("a task", "LiveUpdate\"", 0, 1),
        ("an acknowledged finding", "allow AMX0317", 0, 8),
    ] {
        let h = c.request("textDocument/hover", c.at(name, &text, needle, k, shift));
        let md = h["contents"]["value"].as_str().unwrap_or("(nothing)");
        out.push_str(&format!("## {what} (`{needle}`)\n\n{md}\n\n"));
    }
    assert!(
        out.contains("arch x64"),
        "the value differs per architecture:\n{out}"
    );
    assert!(
        out.contains("Acknowledges:") && out.contains("is written on the passive"),
        "hover on an allow names what it acknowledges:\n{out}"
    );
    snapshot("lsp@hover", out);
    c.stop();
}

#[test]
fn completion_offers_what_the_place_allows() {
    let mut c = Client::start();
    let name = "symantec-mail-security.amx";
    // a service with a body of its own, to complete inside
    let base = seed().replace(
        "service BMISFA \"Symantec Spam Folder Agent for Exchange\"\n",
        "service BMISFA \"Symantec Spam Folder Agent for Exchange\" {\n        }\n",
    );
    assert!(
        base.contains("Exchange\" {\n"),
        "the seed's BMISFA statement moved"
    );
    let mut out = String::new();
    for (what, insert_after, typed) in [
        (
            "a statement in a service",
            "service BMISFA \"Symantec Spam Folder Agent for Exchange\" {\n",
            "            ",
        ),
        (
            "after",
            "service BMISFA \"Symantec Spam Folder Agent for Exchange\" {\n",
            "            after ",
        ),
        ("a variable", "data {\n", "        files include '%"),
        (
            "a class",
            "data {\n",
            "        files include 'C:\\X\\**' as ",
        ),
        (
            "a condition",
            "data {\n",
            "        files include 'C:\\X\\**' when ",
        ),
        (
            "a dimension's values",
            "data {\n",
            "        files include 'C:\\X\\**' when arch == ",
        ),
        (
            "a component",
            "data {\n",
            "        files include 'C:\\X\\**' when has(",
        ),
        (
            "a release",
            "    versions 2007-03-27, 2007-07-11\n",
            "    exception ",
        ),
        (
            "the top level",
            "    versions 2007-03-27, 2007-07-11\n",
            "    ",
        ),
        (
            "a budget",
            "    versions 2007-03-27, 2007-07-11\n",
            "    switchover ",
        ),
        (
            "a code to acknowledge",
            "    versions 2007-03-27, 2007-07-11\n",
            "    allow ",
        ),
        (
            "where the application writes",
            "bits 32 // 32-bit: Program Files (x86) and Wow6432Node on x64\n",
            "        writes 'C:\\X\\**' on ",
        ),
        (
            "a statement in the application block",
            "bits 32 // 32-bit: Program Files (x86) and Wow6432Node on x64\n",
            "        ",
        ),
    ] {
        let at = base
            .find(insert_after)
            .unwrap_or_else(|| panic!("{insert_after}"))
            + insert_after.len();
        let text = format!("{}{typed}\n{}", &base[..at], &base[at..]);
        c.open(name, &text);
        let cursor = at + typed.len();
        let ix = amxc::lsp::text::LineIndex::new(&text);
        let items = c.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": c.uri(name) }, "position": ix.position(&text, cursor) }),
        );
        let labels: Vec<&str> = items
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|i| i["label"].as_str())
            .collect();
        assert!(!labels.is_empty(), "{what}: nothing offered");
        out.push_str(&format!("{what}: {}\n", labels.join(", ")));
    }
    snapshot("lsp@completion", out);
    c.stop();
}

#[test]
fn navigation_rename_outline_formatting_and_fixes() {
    let mut c = Client::start();
    let name = "symantec-mail-security.amx";
    let text = seed();
    c.open(name, &text);
    let _ = c.diagnostics(name);
    let mut out = String::new();
    let def = c.request(
        "textDocument/definition",
        c.at(name, &text, "%Install%", 1, 2),
    );
    out.push_str(&format!("definition of %Install%: {}\n", c.redact(&def)));
    let refs = c.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": c.uri(name) }, "position": c.at(name, &text, "SMSMSE \"Symantec", 0, 1)["position"], "context": { "includeDeclaration": true } }),
    );
    out.push_str(&format!(
        "references of SMSMSE: {}\n",
        refs.as_array().map_or(0, Vec::len)
    ));
    let release = c.request(
        "textDocument/definition",
        c.at(name, &text, "2007-07-11", 0, 1),
    );
    out.push_str(&format!(
        "definition of release 2007-07-11 (in the matrix): {}\n",
        c.redact(&release)
    ));
    let rename = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": c.uri(name) }, "position": c.at(name, &text, "%Install%", 0, 2)["position"], "newName": "InstallDir" }),
    );
    let edits = rename["changes"]
        .as_object()
        .and_then(|m| m.values().next())
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    out.push_str(&format!("rename %Install%: {edits} edits\n"));
    let bad = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": c.uri(name) }, "position": c.at(name, &text, "%Install%", 0, 2)["position"], "newName": "9 lives" }),
    );
    out.push_str(&format!("rename to a bad name: {}\n", bad["error"]));
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": c.uri(name) } }),
    );
    let names: Vec<String> = symbols
        .as_array()
        .expect("symbols")
        .iter()
        .map(|s| format!("{} ({})", s["name"].as_str().unwrap_or(""), s["kind"]))
        .collect();
    out.push_str(&format!("outline: {}\n", names.join(", ")));
    // formatting: a misplaced indent comes back
    let messy = text.replacen("    title", "title", 1);
    c.open(name, &messy);
    let f = c.request("textDocument/formatting", json!({ "textDocument": { "uri": c.uri(name) }, "options": { "tabSize": 4, "insertSpaces": true } }));
    assert_eq!(f[0]["newText"].as_str(), Some(text.as_str()));
    let line = messy
        .lines()
        .position(|l| l.starts_with("title"))
        .expect("line") as u32;
    let ranged = c.request(
        "textDocument/rangeFormatting",
        json!({ "textDocument": { "uri": c.uri(name) }, "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 5 } }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    out.push_str(&format!("range formatting: {}\n", c.redact(&ranged)));
    // a misspelt keyword: the fix
    let typo = text.replacen("    versions", "    verions", 1);
    c.open(name, &typo);
    let _ = c.diagnostics(name);
    let line = typo
        .lines()
        .position(|l| l.contains("verions"))
        .expect("line") as u32;
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": c.uri(name) }, "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 10 } }, "context": { "diagnostics": [] } }),
    );
    out.push_str(&format!("code actions: {}\n", c.redact(&actions)));
    snapshot("lsp@navigation", out);
    c.stop();
}

#[test]
fn positions_count_utf16_units_before_the_cursor() {
    let mut c = Client::start();
    let name = "symantec-mail-security.amx";
    // non-ASCII text (two units for 𝄞) before a variable on the same line
    let text = seed().replacen("files include '%Install%", "files include '𝄞é%Install%", 1);
    c.open(name, &text);
    let _ = c.diagnostics(name);
    let h = c.request("textDocument/hover", c.at(name, &text, "%Install%", 0, 2));
    let md = h["contents"]["value"].as_str().unwrap_or("");
    assert!(md.starts_with("**%Install%**"), "{md}");
    c.stop();
}

mod typing {
    use super::*;
    use proptest::prelude::*;

    const SNIPPETS: &[&str] = &[
        "{",
        "}",
        "'",
        "\"",
        "%",
        "when ",
        "after ",
        "service X",
        "\n",
        "é",
        "𝄞",
        "files include '",
        "//",
        "/*",
        "as ",
        "has(",
        "==",
        ",",
        "exception 2007-07-11 {",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn a_half_typed_file_never_stops_the_server(edits in proptest::collection::vec((0usize..5000, 0usize..SNIPPETS.len(), 0usize..4, 0usize..3000), 1..12)) {
            let mut c = Client::start();
            let name = "symantec-mail-security.amx";
            let mut text = seed();
            c.open(name, &text);
            let uri = c.uri(name);
            for (v, (at, snippet, delete, probe)) in edits.into_iter().enumerate() {
                let mut at = at % (text.len() + 1);
                while !text.is_char_boundary(at) { at -= 1; }
                let mut end = (at + delete).min(text.len());
                while !text.is_char_boundary(end) { end += 1; }
                let ix = amxc::lsp::text::LineIndex::new(&text);
                let range = json!({ "start": ix.position(&text, at), "end": ix.position(&text, end) });
                text.replace_range(at..end, SNIPPETS[snippet]);
                c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": v as i32 + 2 }, "contentChanges": [ { "range": range, "text": SNIPPETS[snippet] } ] }));
                let mut p = probe % (text.len() + 1);
                while !text.is_char_boundary(p) { p -= 1; }
                let pos = amxc::lsp::text::LineIndex::new(&text).position(&text, p);
                let params = json!({ "textDocument": { "uri": uri }, "position": pos });
                let _ = c.request("textDocument/hover", params.clone());
                let _ = c.request("textDocument/completion", params.clone());
                let _ = c.request("textDocument/definition", params);
            }
            // the server's text is the client's: formatting sees the same document
            let symbols = c.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
            prop_assert!(symbols.get("error").is_none(), "{symbols}");
            c.stop();
        }
    }
}

#[test]
fn the_binary_serves_a_whole_session_over_stdio() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = tempfile::tempdir().expect("temp");
    for f in [
        "symantec-mail-security.amx",
        "symantec-mail-security.versions.yaml",
    ] {
        std::fs::copy(Path::new("policies").join(f), dir.path().join(f)).expect("copy");
    }
    let uri = amxc::lsp::path_to_uri(&dir.path().join("symantec-mail-security.amx")).expect("uri");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_amxc"))
        .arg("lsp")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("amxc lsp");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut send = |v: Value| {
        let body = v.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        stdin.flush().expect("flush");
    };
    let mut recv = || -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            stdout.read_line(&mut line).expect("header");
            let l = line.trim();
            if l.is_empty() {
                break;
            }
            if let Some(n) = l.strip_prefix("Content-Length: ") {
                len = n.parse().expect("length");
            }
        }
        let mut body = vec![0; len];
        stdout.read_exact(&mut body).expect("body");
        serde_json::from_slice(&body).expect("json")
    };
    let text = seed();
    send(
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }),
    );
    assert_eq!(recv()["id"], 1);
    send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
    send(
        json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": { "uri": uri.as_str(), "languageId": "amx", "version": 1, "text": text } } }),
    );
    let d = recv();
    assert_eq!(d["method"], "textDocument/publishDiagnostics");
    let ix = amxc::lsp::text::LineIndex::new(&text);
    let pos = ix.position(&text, text.find("%Install%").expect("use") + 2);
    send(
        json!({ "jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": { "textDocument": { "uri": uri.as_str() }, "position": pos } }),
    );
    let h = recv();
    assert!(
        h["result"]["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("%Install%")),
        "{h}"
    );
    send(
        json!({ "jsonrpc": "2.0", "id": 3, "method": "textDocument/completion", "params": { "textDocument": { "uri": uri.as_str() }, "position": pos } }),
    );
    assert!(recv()["result"].as_array().is_some_and(|a| !a.is_empty()));
    send(
        json!({ "jsonrpc": "2.0", "id": 4, "method": "textDocument/formatting", "params": { "textDocument": { "uri": uri.as_str() }, "options": { "tabSize": 4, "insertSpaces": true } } }),
    );
    assert_eq!(recv()["result"], json!([]), "the seed is formatted already");
    send(json!({ "jsonrpc": "2.0", "id": 5, "method": "shutdown" }));
    assert_eq!(recv()["id"], 5);
    send(json!({ "jsonrpc": "2.0", "method": "exit" }));
    drop(stdin);
    let status = child.wait().expect("exit");
    assert!(status.success(), "{status}");
}

#[test]
fn rename_refuses_a_name_the_grammar_would_not_read_back_and_unknown_methods_are_not_found() {
    let mut c = Client::start();
    let name = "symantec-mail-security.amx";
    let text = seed();
    c.open(name, &text);
    let _ = c.diagnostics(name);
    let at = c.at(name, &text, "SMSMSE \"Symantec", 0, 1)["position"].clone();
    for bad in ["1abc", "-x", "$", ".", "a b", ""] {
        let r = c.request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": c.uri(name) }, "position": at, "newName": bad }),
        );
        assert!(!r["error"].is_null(), "renamed to {bad:?}: {r}");
    }
    let ok = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": c.uri(name) }, "position": at, "newName": "SMSMSE2" }),
    );
    assert!(ok["changes"].is_object(), "{ok}");
    // the answer's code, as the client sees it
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || amxc::lsp::serve(&server).map_err(|e| e.to_string()));
    let send = |m: Message| client.sender.send(m).expect("send");
    send(Message::Request(Request::new(
        RequestId::from(1),
        "initialize".into(),
        json!({ "capabilities": {} }),
    )));
    let _ = client.receiver.recv().expect("initialized");
    send(Message::Notification(Notification::new(
        "initialized".into(),
        json!({}),
    )));
    send(Message::Request(Request::new(
        RequestId::from(2),
        "workspace/nothingLikeThis".into(),
        json!({}),
    )));
    match client.receiver.recv().expect("answer") {
        Message::Response(r) => assert_eq!(r.response_result.err().map(|e| e.code), Some(-32601)),
        other => panic!("{other:?}"),
    }
    send(Message::Notification(Notification::new(
        "exit".into(),
        json!({}),
    )));
    let _ = handle.join();
}

#[test]
fn the_binary_bounds_what_a_frame_claims_and_takes_the_stdio_flag() {
    use std::io::{Read, Write};
    for claim in ["18446744073709551615", "2000000000"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_amxc"))
            .args(["lsp", "--stdio"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("amxc lsp --stdio");
        let mut stdin = child.stdin.take().expect("stdin");
        write!(stdin, "Content-Length: {claim}\r\n\r\n{{}}").expect("write");
        drop(stdin);
        let started = std::time::Instant::now();
        let out = child.wait_with_output().expect("wait");
        assert!(started.elapsed() < Duration::from_secs(20));
        assert!(out.status.code().is_some(), "killed by a signal: {out:?}");
        // nothing but protocol on stdout: here, nothing at all
        let mut stdout = String::new();
        out.stdout
            .as_slice()
            .read_to_string(&mut stdout)
            .expect("utf8");
        assert_eq!(stdout, "", "{claim}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("bytes is more than"), "{claim}: {err}");
    }
}

/// What the editor shows for a policy is what `amxc check` reports for it: both load through
/// the same front door (`driver::load::load_from`), so every diagnostics fixture, each
/// shipped policy and a matrix over the matrix limit give the same codes, places and words.
#[test]
fn the_editor_reports_what_the_command_line_reports() {
    use amxc::diagnostic::Diagnostic;
    let key = |sources: &amxc::source::SourceMap, d: &Diagnostic| {
        let at = d.primary.as_ref().map(|p| {
            let lc = sources.line_col(p.file, p.span.start());
            (sources.name(p.file).to_string(), lc.line, lc.column)
        });
        format!("{} {:?} {}", d.code, at, d.message)
    };
    let from_cli = |path: &Path| {
        let mut sources = amxc::source::SourceMap::new();
        let loaded = amxc::driver::load::load(&mut sources, path, None).expect("readable");
        let file = loaded.file;
        let text = sources.text(file).to_string();
        let checking = amxc::check(loaded, &text, "p".into());
        let mut keys: Vec<String> = checking
            .diagnostics
            .iter()
            .map(|d| key(&sources, d))
            .collect();
        keys.sort();
        keys
    };
    let from_editor = |path: &Path| {
        let text = std::fs::read_to_string(path).expect("text");
        let a = amxc::lsp::analysis::analyse(path, &text, &|_| None);
        let mut keys: Vec<String> = a.diagnostics.iter().map(|d| key(&a.sources, d)).collect();
        keys.sort();
        keys
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in ["tests/fixtures/diagnostics", "policies"] {
        for e in std::fs::read_dir(dir).expect("folder") {
            let p = e.expect("entry").path();
            // an editor's buffer is text: a file that is not UTF-8 never reaches the server
            let text = std::fs::read(&p).map(String::from_utf8);
            if p.extension().is_some_and(|x| x == "amx") && matches!(text, Ok(Ok(_))) {
                paths.push(p);
            }
        }
    }
    paths.sort();
    assert!(paths.len() > 40, "{} policies", paths.len());
    for p in &paths {
        assert_eq!(from_editor(p), from_cli(p), "{}", p.display());
    }
    // a matrix over the limit of 4 MiB is refused by both (the editor read it up to the
    // policy's 64 MiB)
    let dir = tempfile::tempdir().expect("dir");
    let policy = dir.path().join("big.amx");
    std::fs::write(&policy, seed()).expect("policy");
    let matrix =
        std::fs::read_to_string("policies/symantec-mail-security.versions.yaml").expect("matrix");
    let padding = "#".repeat(5 * 1024 * 1024);
    std::fs::write(
        dir.path().join("big.versions.yaml"),
        format!("{matrix}\n{padding}\n"),
    )
    .expect("matrix");
    let editor = from_editor(&policy);
    assert!(
        editor.iter().any(|k| k.starts_with("AMX0010")),
        "the matrix is refused as too large: {editor:?}"
    );
    assert_eq!(editor, from_cli(&policy));
}

/// A check that a newer edit supersedes stops where it is (`amxc::cancel`): parsing at its
/// next batch of data chunks, validation at its next pass — and the command line, which sets
/// no flag, is never stopped.
#[test]
fn a_superseded_check_stops_in_parsing_and_in_validation() {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    let text = seed();
    let matrix =
        std::fs::read_to_string("policies/symantec-mail-security.versions.yaml").expect("matrix");
    let given_up = Arc::new(AtomicBool::new(true));
    let parsed = amxc::cancel::scope(&given_up, || amxc::parse::parse(0, &text));
    assert!(
        parsed.value.is_none(),
        "the parse stopped at its first batch"
    );
    let policy = amxc::parse::parse(0, &text)
        .value
        .expect("parses without a flag");
    let m = amxc::matrix::load(1, &matrix).value.expect("matrix");
    let whole = amxc::validate::validate(&policy, Some(&m));
    assert!(!whole.diagnostics.is_empty(), "the seed has findings");
    let stopped = amxc::cancel::scope(&given_up, || amxc::validate::validate(&policy, Some(&m)));
    assert!(stopped.diagnostics.is_empty(), "validation stopped");
    // the editor discards what a given-up check had
    let read = |_: &Path| None;
    assert!(amxc::lsp::analysis::analyse_until(
        Path::new("policies/symantec-mail-security.amx"),
        &text,
        &read,
        &given_up
    )
    .is_none());
    let going = Arc::new(AtomicBool::new(false));
    assert!(amxc::lsp::analysis::analyse_until(
        Path::new("policies/symantec-mail-security.amx"),
        &text,
        &read,
        &going
    )
    .is_some());
}
