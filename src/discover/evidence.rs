//! Reading what a real server shows, exactly as Windows writes it: `reg export` files,
//! Process Monitor CSV exports, `dir /s /b` listings and `sc qc` / `sc queryex` output. Every
//! reader reports a line it cannot read (file and line) and goes on; none keeps more than a
//! line of a file it streams.

use std::collections::BTreeMap;
use std::path::Path;

/// A line a reader could not read: `file:line: why`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    pub file: String,
    pub line: usize,
    pub why: String,
}

/// What was seen of one path (a file, or a registry key): events per process.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    pub writes: u64,
    pub reads: u64,
    /// Where it was seen: `trace.csv`, `app.reg`, `listing.txt` (see [`Evidence::names`]).
    pub sources: Sources,
    /// The line of a `reg export` where the key is first named (0: not from one).
    pub line: usize,
}

impl Seen {
    /// What `other` saw of the same path, added to this.
    pub fn absorb(&mut self, other: Seen) {
        self.writes += other.writes;
        self.reads += other.reads;
        self.sources.extend(&other.sources);
        if self.line == 0 {
            self.line = other.line;
        }
    }
}

/// The evidence files a path was seen in, by their number in [`Evidence::source_names`]:
/// a sorted set that holds one or two inline, so that a path seen once costs no allocation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sources(smallvec::SmallVec<[u32; 2]>);

impl Sources {
    pub fn insert(&mut self, id: u32) {
        if let Err(at) = self.0.binary_search(&id) {
            self.0.insert(at, id);
        }
    }

    pub fn extend(&mut self, other: &Sources) {
        for &id in &other.0 {
            self.insert(id);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().copied()
    }
}

/// Everything read, by path (`C:\…` or `HKLM\…`, as Windows wrote it).
#[derive(Debug, Default)]
pub struct Evidence {
    pub files: BTreeMap<String, Seen>,
    pub keys: BTreeMap<String, Seen>,
    /// Files the listings say exist.
    pub listed: Vec<String>,
    /// Which folder each volume is (`mountvol`, a device map).
    pub volumes: super::volumes::Volumes,
    /// Events of processes that were not asked for: their count, by process.
    pub other_processes: BTreeMap<String, u64>,
    /// Events dropped because they failed (`Result` other than SUCCESS).
    pub failed_events: u64,
    pub services: Vec<ServiceSeen>,
    pub malformed: Vec<Malformed>,
    /// Registry keys read from `.reg` files, and values in them.
    pub reg_keys: u64,
    pub reg_values: u64,
    pub csv_bytes: u64,
    pub csv_rows: u64,
    /// The names of the evidence files, numbered as [`Sources`] counts them.
    pub source_names: Vec<String>,
    /// The code page of what cmd wrote (listings, `sc` and `mountvol` output) when it has no
    /// byte order mark and is not UTF-8: Windows-1252 unless told (`--code-page`).
    pub code_page: crate::encoding::CodePage,
}

/// A service as `sc qc` / `sc queryex` shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceSeen {
    pub name: String,
    pub display: Option<String>,
    /// `DEMAND_START`, `AUTO_START`, `DISABLED`.
    pub start_type: Option<String>,
    pub dependencies: Vec<String>,
    pub binary: Option<String>,
    pub source: String,
    /// The line of its first `SERVICE_NAME` (1-based), and of its `START_TYPE`.
    pub line: usize,
    pub start_line: usize,
    /// The account it runs as (`SERVICE_START_NAME`: `LocalSystem`, `.\\backup`).
    pub account: Option<String>,
    /// `sc qfailure`: the first failure action (`RESTART -- Delay = 60000 milliseconds.`),
    /// with its line; `None` when the capture holds no recovery.
    pub failure: Option<(String, usize)>,
}

pub(super) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

pub(super) fn bad(out: &mut Vec<Malformed>, file: &str, line: usize, why: impl Into<String>) {
    // a file of garbage is reported by its first lines, not line by line
    if out.iter().filter(|m| m.file == file).count() < 20 {
        out.push(Malformed {
            file: file.to_string(),
            line,
            why: why.into(),
        });
    }
}

/// Registry hives as `reg export` spells them, and as policies do.
pub(super) fn short_hive(key: &str) -> String {
    let (first, rest) = key.split_once('\\').unwrap_or((key, ""));
    let hive = crate::filters::short_hive(first).unwrap_or(first);
    if rest.is_empty() {
        hive.to_string()
    } else {
        format!("{hive}\\{rest}")
    }
}

impl Evidence {
    /// The server's system drive as the evidence shows it: the drive whose `\Windows` folder
    /// the paths, the listing and the services' programs name most often (the first letter on a
    /// tie); `C:` when none does.
    pub fn system_drive(&self) -> String {
        let mut count = [0u64; 26];
        let programs = self.services.iter().filter_map(|s| s.binary.as_deref());
        let paths = self
            .files
            .keys()
            .map(String::as_str)
            .chain(self.listed.iter().map(String::as_str))
            .chain(programs.map(|b| b.trim_start_matches('"')));
        for p in paths {
            let b = p.as_bytes();
            let windows = b.len() >= 10
                && b[0].is_ascii_alphabetic()
                && &b[1..3] == b":\\"
                && b[3..10].eq_ignore_ascii_case(b"windows")
                && b.get(10).is_none_or(|&c| c == b'\\');
            if windows {
                count[usize::from(b[0].to_ascii_uppercase() - b'A')] += 1;
            }
        }
        match (0..26)
            .filter(|&i| count[i] > 0)
            .max_by_key(|&i| (count[i], std::cmp::Reverse(i)))
        {
            Some(i) => format!("{}:", char::from(b'A' + i as u8)),
            None => "C:".to_string(),
        }
    }

    /// The number of an evidence file by its name, given one the first time it is named.
    pub(super) fn source(&mut self, name: &str) -> u32 {
        match self.source_names.iter().position(|n| n == name) {
            Some(i) => i as u32,
            None => {
                self.source_names.push(name.to_string());
                (self.source_names.len() - 1) as u32
            }
        }
    }

    /// The name of evidence file `id` (of [`Sources`]).
    pub fn source_name(&self, id: u32) -> &str {
        &self.source_names[id as usize]
    }

    /// The names of a set of evidence files, sorted and joined (`a.reg, trace.csv`).
    pub fn names(&self, sources: &Sources) -> String {
        let mut names: Vec<&str> = sources
            .iter()
            .map(|id| self.source_names[id as usize].as_str())
            .collect();
        names.sort_unstable();
        names.join(", ")
    }

    /// A `reg export` file: "Windows Registry Editor Version 5.00" (UTF-16LE with a byte order
    /// mark) or REGEDIT4 (ANSI); key lines `[HKEY_…\…]`, values `"name"=…` or `@=…`, long values
    /// continued with a trailing `\`.
    pub fn read_reg(&mut self, path: &Path, bytes: &[u8]) {
        let name = file_name(path);
        let text = match crate::encoding::decode(bytes) {
            Ok(t) => t,
            Err(why) => return bad(&mut self.malformed, &name, 1, why),
        };
        let mut lines = text.lines().enumerate().peekable();
        match lines.next() {
            Some((_, h)) if h.trim() == "Windows Registry Editor Version 5.00" || h.trim() == "REGEDIT4" => {}
            _ => return bad(&mut self.malformed, &name, 1, "not a `reg export` file: it starts with neither \"Windows Registry Editor Version 5.00\" nor REGEDIT4"),
        }
        let mut key: Option<String> = None;
        while let Some((i, line)) = lines.next() {
            let mut l = line.trim_end().to_string();
            // a value continued on the next lines
            while l.ends_with('\\') {
                match lines.next() {
                    Some((_, next)) => {
                        l.pop();
                        l.push_str(next.trim());
                    }
                    None => break,
                }
            }
            let t = l.trim();
            if t.is_empty() || t.starts_with(';') {
                continue;
            }
            if let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                if inner.starts_with('-') {
                    key = None; // a deletion: nothing the server has
                    continue;
                }
                let k = short_hive(inner);
                self.reg_keys += 1;
                let id = self.source(&name);
                let seen = self.keys.entry(k.clone()).or_default();
                seen.sources.insert(id);
                if seen.line == 0 {
                    seen.line = i + 1;
                }
                key = Some(k);
            } else if t.starts_with('"') || t.starts_with("@=") {
                match &key {
                    Some(k) => {
                        if !t.contains('=') {
                            bad(
                                &mut self.malformed,
                                &name,
                                i + 1,
                                "a value line without `=`",
                            );
                            continue;
                        }
                        self.reg_values += 1;
                        if let Some(s) = self.keys.get_mut(k) {
                            s.reads += 1;
                        }
                    }
                    None => bad(&mut self.malformed, &name, i + 1, "a value before any key"),
                }
            } else {
                bad(
                    &mut self.malformed,
                    &name,
                    i + 1,
                    format!(
                        "neither a key nor a value: `{}`",
                        t.chars().take(60).collect::<String>()
                    ),
                );
            }
        }
    }

    /// A `dir /s /b` listing (UTF-16, UTF-8 or Windows-1252): the files that exist.
    pub fn read_listing(&mut self, path: &Path, bytes: &[u8]) {
        let name = file_name(path);
        match crate::encoding::decode_in(bytes, self.code_page) {
            Ok(text) => {
                for (i, l) in text.lines().enumerate() {
                    let l = l.trim();
                    if l.is_empty() {
                        continue;
                    }
                    if l.len() < 3
                        || !l.as_bytes()[0].is_ascii_alphabetic()
                        || &l.as_bytes()[1..3] != b":\\"
                    {
                        bad(
                            &mut self.malformed,
                            &name,
                            i + 1,
                            "not an absolute path such as C:\\…",
                        );
                        continue;
                    }
                    self.listed.push(l.to_string());
                }
            }
            Err(why) => bad(&mut self.malformed, &name, 1, why),
        }
    }

    /// `mountvol` output or a device map (see `volumes.rs`).
    pub fn read_volumes(&mut self, path: &Path, bytes: &[u8]) {
        let name = file_name(path);
        match crate::encoding::decode_in(bytes, self.code_page) {
            Ok(text) => self.volumes.read(&name, &text, &mut self.malformed),
            Err(why) => bad(&mut self.malformed, &name, 1, why),
        }
    }

    /// `sc qc NAME` and `sc queryex` output (any number of services in one file).
    pub fn read_services(&mut self, path: &Path, bytes: &[u8]) {
        let name = file_name(path);
        let text = match crate::encoding::decode_in(bytes, self.code_page) {
            Ok(t) => t,
            Err(why) => return bad(&mut self.malformed, &name, 1, why),
        };
        let mut current: Option<ServiceSeen> = None;
        let mut last_key = String::new();
        for (n, line) in text.lines().enumerate() {
            let n = n + 1;
            let t = line.trim();
            let Some((k, v)) = t.split_once(':') else {
                continue;
            };
            let (k, v) = (k.trim(), v.trim());
            let key = if k.is_empty() {
                last_key.clone()
            } else {
                k.to_string()
            };
            match key.as_str() {
                "SERVICE_NAME" => {
                    if let Some(s) = current.take() {
                        self.services.push(s);
                    }
                    current = Some(ServiceSeen {
                        name: v.to_string(),
                        source: name.clone(),
                        line: n,
                        ..ServiceSeen::default()
                    });
                }
                "DISPLAY_NAME" => {
                    if let Some(s) = current.as_mut() {
                        s.display = Some(v.to_string());
                    }
                }
                "START_TYPE" => {
                    if let Some(s) = current.as_mut() {
                        // `2   AUTO_START  (DELAYED)`: the word, and the delay when there is one
                        let words: Vec<&str> = v.split_whitespace().skip(1).collect();
                        s.start_type = (!words.is_empty()).then(|| words.join(" "));
                        s.start_line = n;
                    }
                }
                "FAILURE_ACTIONS" => {
                    if let Some(s) = current.as_mut().filter(|_| !v.is_empty()) {
                        s.failure = Some((v.to_string(), n));
                    }
                }
                "SERVICE_START_NAME" => {
                    if let Some(s) = current.as_mut().filter(|_| !v.is_empty()) {
                        s.account = Some(v.to_string());
                    }
                }
                "BINARY_PATH_NAME" => {
                    if let Some(s) = current.as_mut() {
                        s.binary = Some(v.trim_matches('"').to_string());
                    }
                }
                "DEPENDENCIES" => {
                    if let Some(s) = current.as_mut().filter(|_| !v.is_empty()) {
                        s.dependencies
                            .extend(v.split('/').map(|d| d.trim().to_string()));
                    }
                }
                _ => {}
            }
            if !k.is_empty() {
                last_key = k.to_string();
            }
        }
        if let Some(s) = current {
            self.services.push(s);
        }
        // one service per name: `sc qc` and `sc qfailure` of one service are merged, and what
        // a later capture says wins
        let mut kept: Vec<ServiceSeen> = Vec::new();
        for s in self.services.drain(..) {
            match kept
                .iter_mut()
                .find(|k| k.name.eq_ignore_ascii_case(&s.name))
            {
                None => kept.push(s),
                Some(k) => {
                    if s.display.is_some() {
                        k.display = s.display;
                    }
                    if s.start_type.is_some() {
                        k.start_type = s.start_type;
                        k.start_line = s.start_line;
                    }
                    if !s.dependencies.is_empty() {
                        k.dependencies = s.dependencies;
                    }
                    if s.binary.is_some() {
                        k.binary = s.binary;
                    }
                    if s.account.is_some() {
                        k.account = s.account;
                    }
                    if s.failure.is_some() {
                        k.failure = s.failure;
                    }
                    k.source = s.source;
                }
            }
        }
        self.services = kept;
    }
}
