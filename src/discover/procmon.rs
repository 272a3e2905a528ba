//! Process Monitor CSV exports, read on every core: the file is streamed in blocks cut at
//! record boundaries (a line break outside quotes, found as the CSV reader would find it), a
//! batch of blocks is read at once, each block by a reader that keeps its table of paths
//! across batches, and the paths are put in order once, at the end.

use super::evidence::{bad, file_name, short_hive, Evidence, Seen};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

/// Bytes a block holds before it is cut (at its last record boundary), and blocks read while
/// the previous ones are read on the other cores.
const BLOCK: usize = 1 << 20;
const BATCH: usize = 4;

impl Evidence {
    /// A Process Monitor CSV export, streamed: columns found by header name, UTF-8 with or
    /// without a byte order mark; only `processes`' events (all when empty), only successful
    /// ones; writes counted apart from reads.
    pub fn read_procmon(&mut self, path: &Path, reader: impl BufRead + Send, processes: &[String]) {
        let name = file_name(path);
        let id = self.source(&name);
        let mut blocks = Blocks::new(reader);
        let first = match blocks.next_block() {
            Ok(Some(b)) => b,
            Ok(None) => return bad(&mut self.malformed, &name, 1, "empty file"),
            Err(e) => return bad(&mut self.malformed, &name, 1, e),
        };
        // the header: the first record that is not an empty line
        let skip = first.bytes.iter().take_while(|&&b| b == b'\n').count();
        let end = scan(&first.bytes, skip, &mut Quoting::Outside, true)
            .1
            .unwrap_or(first.bytes.len());
        let mut records = Records::new(&first.bytes[..end]);
        let header: Vec<String> = match records.next() {
            Some(_) => (0..records.len())
                .filter_map(|c| records.field(c).map(|h| h.into_owned()))
                .collect(),
            None => return bad(&mut self.malformed, &name, 1, "empty file"),
        };
        let col = |want: &str| {
            header.iter().position(|h| {
                h.trim_start_matches('\u{feff}')
                    .trim()
                    .eq_ignore_ascii_case(want)
            })
        };
        let (Some(process), Some(op), Some(path_col)) =
            (col("Process Name"), col("Operation"), col("Path"))
        else {
            return bad(&mut self.malformed, &name, 1, "no \"Process Name\", \"Operation\" and \"Path\" columns: save the trace as CSV from Process Monitor (File > Save, Comma-Separated Values)");
        };
        let columns = Columns {
            process,
            op,
            path: path_col,
            result: col("Result"),
            detail: col("Detail"),
            header: header.len(),
            processes,
            id,
        };
        let rest = Block {
            line: first.line + memchr::memchr_iter(b'\n', &first.bytes[..end]).count(),
            bytes: first.bytes[end..].to_vec(),
        };
        // one reader for each block of a batch, each keeping what it saw across batches
        let mut accs: Vec<Acc> = (0..BATCH).map(|_| Acc::default()).collect();
        let (mut files, mut keys) = (Paths::default(), Paths::default());
        let mut batch = vec![rest];
        let mut failure = None;
        loop {
            // this batch on every core while the next is read (none after a failure)
            let stop = failure.is_some();
            let (done, next) = rayon::join(
                || {
                    accs.par_iter_mut()
                        .zip(batch.par_iter())
                        .map(|(acc, b)| columns.read(b, acc))
                        .collect::<Vec<_>>()
                },
                || {
                    if stop {
                        Ok(Vec::new())
                    } else {
                        blocks.next_batch()
                    }
                },
            );
            for part in done {
                self.csv_rows += part.rows;
                self.failed_events += part.failed;
                for (line, why) in part.malformed {
                    bad(&mut self.malformed, &name, line, why);
                }
                for (process, n) in part.other {
                    *self.other_processes.entry(process).or_default() += n;
                }
                files.add(part.files);
                keys.add(part.keys);
            }
            match next {
                Ok(next) if next.is_empty() => break,
                Ok(next) => batch = next,
                // the blocks before the failure are read in the next round, then no more
                Err((next, e)) => {
                    failure = Some(e);
                    if next.is_empty() {
                        break;
                    }
                    batch = next;
                }
            }
        }
        let (held_files, held_keys): (Vec<_>, Vec<_>) =
            accs.into_iter().map(|a| (a.files, a.keys)).unzip();
        let (files, keys) = (finish(held_files, files), finish(held_keys, keys));
        absorb_all(&mut self.files, files);
        absorb_all(&mut self.keys, keys);
        self.csv_bytes += blocks.read;
    }
}

/// What a block's rows saw besides the paths its reader keeps: the paths its reader gave up
/// (in order), when it held more than [`Acc::MOST`].
#[derive(Default)]
struct Part {
    files: Vec<(String, Seen)>,
    keys: Vec<(String, Seen)>,
    other: FxHashMap<String, u64>,
    failed: u64,
    rows: u64,
    /// Lines of the file, and why.
    malformed: Vec<(usize, String)>,
}

/// The header's columns, and what a row is kept for.
struct Columns<'a> {
    process: usize,
    op: usize,
    path: usize,
    result: Option<usize>,
    detail: Option<usize>,
    header: usize,
    processes: &'a [String],
    /// The file's number in [`super::evidence::Sources`].
    id: u32,
}

impl Columns<'_> {
    fn wanted(&self, process: &str) -> bool {
        self.processes.is_empty()
            || self
                .processes
                .iter()
                .any(|w| w.eq_ignore_ascii_case(process))
    }

    /// A block's rows.
    fn read(&self, block: &Block, acc: &mut Acc) -> Part {
        let mut part = Part::default();
        let Acc { files, keys } = acc;
        let mut records = Records::new(&block.bytes[..]);
        while let Some(local) = records.next() {
            // bytes in memory always read; a failure would be the file's, reported by Blocks
            let Ok(at) = local else { break };
            part.rows += 1;
            // the line a record starts on, counted only for a row that is reported
            let line = || block.line + lines_before(&block.bytes, at);
            let get = |c: usize| records.field(c);
            // a field is decoded only when it is looked at
            let has = |c: usize| c < records.len();
            let (true, Some(op), Some(p)) = (has(self.process), get(self.op), get(self.path))
            else {
                if part.malformed.len() < 20 {
                    part.malformed.push((
                        line(),
                        format!(
                            "{} fields, fewer than the header's {}",
                            records.len(),
                            self.header
                        ),
                    ));
                }
                continue;
            };
            if !self.processes.is_empty() {
                let process = get(self.process).unwrap_or_default();
                if !self.wanted(&process) {
                    *part.other.entry(process.into_owned()).or_default() += 1;
                    continue;
                }
            }
            if self.result.and_then(get).is_some_and(|r| r != "SUCCESS") {
                part.failed += 1;
                continue;
            }
            // only a file's creation and renaming read their Detail
            let detail = match &*op {
                "CreateFile" | "SetRenameInformationFile" => {
                    self.detail.and_then(get).unwrap_or_default()
                }
                _ => Default::default(),
            };
            let write = is_write(&op, &detail);
            let registry = op.starts_with("Reg");
            if p.is_empty() {
                continue;
            }
            // a path seen before costs a hash lookup, not a copy; the paths are put in order
            // once, at the end
            let seen = if registry {
                keys.entry(short_hive(&p)).or_default()
            } else {
                match files.get_mut(p.as_ref()) {
                    Some(seen) => seen,
                    None => files.entry(p.clone().into_owned()).or_default(),
                }
            };
            if write {
                seen.writes += 1;
            } else {
                seen.reads += 1;
            }
            seen.sources.insert(self.id);
            // a rename writes its target too (`FileName: …\cb.log.1`: a rotated log)
            if !registry && op == "SetRenameInformationFile" {
                if let Some(target) = rename_target(&detail) {
                    let t = files.entry(target).or_default();
                    t.writes += 1;
                    t.sources.insert(self.id);
                }
            }
        }
        part.files = Acc::spill(files);
        part.keys = Acc::spill(keys);
        part
    }
}

/// Paths seen by the blocks one reader was given, and what was seen of each: a path seen
/// again costs a lookup, not a copy. A reader that holds more than [`Acc::MOST`] paths gives
/// them up, in order, and starts again (a table that stays in the cache).
#[derive(Default)]
struct Acc {
    files: FxHashMap<String, Seen>,
    keys: FxHashMap<String, Seen>,
}

impl Acc {
    const MOST: usize = 1 << 12;

    fn spill(paths: &mut FxHashMap<String, Seen>) -> Vec<(String, Seen)> {
        if paths.len() <= Self::MOST {
            return Vec::new();
        }
        let mut run: Vec<(String, Seen)> = paths.drain().collect();
        run.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        run
    }
}

/// The paths readers gave up, as they give them up: put together (in order, the same path's
/// sightings added up) when they have grown enough since the last time — twice over when
/// that time found paths seen again, eight times over when it found them nearly all distinct
/// — so that a long trace holds a few times its distinct paths, and a trace of distinct paths
/// is not sorted over and over.
#[derive(Default)]
struct Paths {
    /// Runs in order, as given up (one, after they were put together).
    runs: Vec<Vec<(String, Seen)>>,
    len: usize,
    /// When they are put together next.
    next: usize,
}

/// Paths given up before they are first put together (about 80 MB of them).
const FIRST_COMPACTION: usize = 1 << 20;

impl Paths {
    fn add(&mut self, run: Vec<(String, Seen)>) {
        if run.is_empty() {
            return;
        }
        self.len += run.len();
        self.runs.push(run);
        if self.len >= self.next.max(FIRST_COMPACTION) {
            let before = self.len;
            let all = merged(std::mem::take(&mut self.runs));
            self.len = all.len();
            let growth = if self.len * 10 > before * 9 { 8 } else { 2 };
            self.next = growth * self.len;
            self.runs.push(all);
        }
    }
}

/// The lines before the record the `csv` reader says starts at byte `at`: it says so of the
/// empty lines it skips before one too.
fn lines_before(bytes: &[u8], at: usize) -> usize {
    let start = at + bytes[at..].iter().take_while(|&&b| b == b'\n').count();
    memchr::memchr_iter(b'\n', &bytes[..start]).count()
}

/// Runs of paths in order, merged: in order, each path once (its sightings added up).
fn merged(runs: Vec<Vec<(String, Seen)>>) -> Vec<(String, Seen)> {
    let mut all: Vec<(String, Seen)> = Vec::with_capacity(runs.iter().map(Vec::len).sum());
    for run in runs {
        all.extend(run);
    }
    // a merge sort merges runs
    all.par_sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<(String, Seen)> = Vec::with_capacity(all.len());
    for (path, seen) in all {
        match out.last_mut() {
            Some(last) if last.0 == path => last.1.absorb(seen),
            _ => out.push((path, seen)),
        }
    }
    out
}

/// What the readers hold at the end, in order (each reader's on its own core), with what they
/// gave up.
fn finish(held: Vec<FxHashMap<String, Seen>>, given: Paths) -> Vec<(String, Seen)> {
    let mut runs: Vec<Vec<(String, Seen)>> = held
        .into_par_iter()
        .map(|acc| {
            let mut run: Vec<(String, Seen)> = acc.into_iter().collect();
            run.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            run
        })
        .collect();
    runs.extend(given.runs);
    merged(runs)
}

/// Paths seen in one file (in order, each once), put into what was seen before: at once when
/// nothing was, else one by one.
fn absorb_all(into: &mut BTreeMap<String, Seen>, from: Vec<(String, Seen)>) {
    if into.is_empty() {
        *into = from.into_iter().collect();
        return;
    }
    for (path, seen) in from {
        into.entry(path).or_default().absorb(seen);
    }
}

/// A run of whole records, and the line of the file it starts on.
struct Block {
    bytes: Vec<u8>,
    line: usize,
}

/// A CSV file in blocks of whole records (see [`scan`]).
struct Blocks<R> {
    reader: R,
    /// Bytes read and not yet given out in a block, which start a record; `scanned` of them
    /// looked at, in `state` there; the end of the last whole record among them.
    pending: Vec<u8>,
    scanned: usize,
    state: Quoting,
    boundary: Option<usize>,
    /// The line the pending bytes start on.
    line: usize,
    read: u64,
    /// Bytes a block holds before it is cut ([`BLOCK`]).
    size: usize,
    started: bool,
    done: bool,
}

impl<R: BufRead> Blocks<R> {
    fn new(reader: R) -> Self {
        Blocks {
            reader,
            pending: Vec::new(),
            scanned: 0,
            state: Quoting::Outside,
            boundary: None,
            line: 1,
            read: 0,
            size: BLOCK,
            started: false,
            done: false,
        }
    }

    /// Up to [`BATCH`] blocks; with an error, the blocks read before it.
    #[allow(clippy::type_complexity)]
    fn next_batch(&mut self) -> Result<Vec<Block>, (Vec<Block>, String)> {
        let mut batch = Vec::new();
        while batch.len() < BATCH {
            match self.next_block() {
                Ok(Some(b)) => batch.push(b),
                Ok(None) => break,
                Err(e) => return Err((batch, e)),
            }
        }
        Ok(batch)
    }

    /// The next block: at least [`BLOCK`] bytes (or the rest of the file), cut after its last
    /// whole record.
    fn next_block(&mut self) -> Result<Option<Block>, String> {
        loop {
            let (to, last) = scan(&self.pending, self.scanned, &mut self.state, false);
            self.scanned = to;
            self.boundary = last.or(self.boundary);
            let end = match self.boundary {
                _ if self.done => self.pending.len(),
                Some(end) if self.pending.len() >= self.size => end,
                _ => {
                    self.fill()?;
                    continue;
                }
            };
            if end == 0 {
                return Ok(None);
            }
            // the rest starts the next block, in room for a block
            let mut rest = Vec::with_capacity(self.size + (self.pending.len() - end));
            rest.extend_from_slice(&self.pending[end..]);
            self.pending.truncate(end);
            let bytes = std::mem::replace(&mut self.pending, rest);
            self.scanned -= end;
            self.boundary = None;
            let line = self.line;
            self.line += memchr::memchr_iter(b'\n', &bytes).count();
            return Ok(Some(Block { bytes, line }));
        }
    }

    /// Reads a block more, or to the end of the file: straight into the pending bytes (a
    /// reader whose buffer is empty gives large reads without copying through it).
    fn fill(&mut self) -> Result<(), String> {
        let start = self.pending.len();
        self.pending.resize(start + self.size, 0);
        let mut filled = start;
        let result = loop {
            if filled == self.pending.len() {
                break Ok(());
            }
            match self.reader.read(&mut self.pending[filled..]) {
                Ok(0) => {
                    self.done = true;
                    break Ok(());
                }
                Ok(mut n) => {
                    self.read += n as u64;
                    // the file's byte order mark is not the first header's
                    if !self.started {
                        self.started = true;
                        if self.pending[filled..filled + n].starts_with(b"\xef\xbb\xbf") {
                            self.pending.drain(filled..filled + 3);
                            n -= 3;
                        }
                    }
                    filled += n;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => break Err(format!("cannot be read on: {e}")),
            }
        };
        self.pending.truncate(filled);
        result
    }
}

/// Where a scan of CSV bytes is: outside a quoted field, inside one, or just after a quote
/// inside one (where a second quote is a quote and anything else ends the quoting).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quoting {
    Outside,
    Inside,
    AfterQuote,
}

/// Looks at `bytes[from..]` (which start a record) in `state`: how far it looked, and the end
/// of the last whole record (of the first, with `first`). A record ends at a line break outside
/// quotes; a quote opens a quoted field only at the start of a field, and a doubled quote
/// inside one is a quote — the `csv` reader's rules (`csv_core`'s NFA with its default
/// quoting and `\n` ending records), so that each block reads exactly as the whole file would.
fn scan(bytes: &[u8], from: usize, state: &mut Quoting, first: bool) -> (usize, Option<usize>) {
    let mut i = from;
    let mut last = None;
    while i < bytes.len() {
        match *state {
            Quoting::Inside => match memchr::memchr(b'"', &bytes[i..]) {
                Some(j) => {
                    *state = Quoting::AfterQuote;
                    i += j + 1;
                }
                None => i = bytes.len(),
            },
            Quoting::AfterQuote => {
                if bytes[i] == b'"' {
                    *state = Quoting::Inside;
                    i += 1;
                } else {
                    *state = Quoting::Outside;
                }
            }
            Quoting::Outside => match memchr::memchr2(b'"', b'\n', &bytes[i..]) {
                Some(j) => {
                    let at = i + j;
                    i = at + 1;
                    if bytes[at] == b'\n' {
                        last = Some(i);
                        if first {
                            break;
                        }
                    } else if at == 0 || matches!(bytes[at - 1], b',' | b'\n') {
                        *state = Quoting::Inside;
                    }
                }
                None => i = bytes.len(),
            },
        }
    }
    (i, last)
}
/// The new name of a `SetRenameInformationFile` event, from its Detail
/// (`ReplaceIfExists: False, FileName: C:\App\Logs\cb.log.1`).
pub fn rename_target(detail: &str) -> Option<String> {
    let i = detail.find("FileName: ")?;
    let rest = &detail[i + "FileName: ".len()..];
    // the last field: a path may hold ", " itself, so only a known next field ends it
    let end = rest.find(", ReplaceIfExists:").unwrap_or(rest.len());
    let t = rest[..end].trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Whether a Process Monitor operation changes what it names. [Process Monitor's operation
/// names: WriteFile, SetEndOfFileInformationFile, SetAllocationInformationFile,
/// SetRenameInformationFile, SetDispositionInformationFile, SetBasicInformationFile,
/// CreateFile (with write access or a creating disposition), RegSetValue, RegCreateKey,
/// RegDeleteValue, RegDeleteKey, RegSetInfoKey]
pub fn is_write(op: &str, detail: &str) -> bool {
    match op {
        "WriteFile"
        | "SetEndOfFileInformationFile"
        | "SetAllocationInformationFile"
        | "SetRenameInformationFile"
        | "SetDispositionInformationFile"
        | "SetBasicInformationFile"
        | "RegSetValue"
        | "RegCreateKey"
        | "RegDeleteValue"
        | "RegDeleteKey"
        | "RegSetInfoKey" => true,
        "CreateFile" => {
            let d = detail.to_ascii_lowercase();
            [
                "generic write",
                "write data",
                "append data",
                "disposition: create",
                "disposition: overwrite",
                "disposition: supersede",
                "openif",
                "overwriteif",
            ]
            .iter()
            .any(|w| d.contains(w))
        }
        _ => false,
    }
}

/// CSV records (the `csv` crate, one record buffer reused): `"…"` fields may hold commas,
/// doubled quotes and line breaks, and rows may have fewer fields than the header. A field is
/// text when it is UTF-8, else Windows-1252 (Process Monitor saves in the ANSI code page):
/// never the silent end of the file.
struct Records<R> {
    csv: csv::Reader<R>,
    record: csv::ByteRecord,
}

impl<R: std::io::Read> Records<R> {
    fn new(reader: R) -> Self {
        Records {
            // records end at `\n` (the `\r` before it is taken off the last field), so that
            // each record's position names the line it starts on
            csv: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .terminator(csv::Terminator::Any(b'\n'))
                .from_reader(reader),
            record: csv::ByteRecord::new(),
        }
    }

    /// The next record, and the byte it starts at; `Err` when the file cannot be read.
    fn next(&mut self) -> Option<Result<usize, String>> {
        match self.csv.read_byte_record(&mut self.record) {
            Ok(true) => Some(Ok(self.record.position().map_or(0, |p| p.byte() as usize))),
            Ok(false) => None,
            Err(e) => Some(Err(format!("cannot be read on: {e}"))),
        }
    }

    /// Field `c` of the current record, as text; the first field of the file without its byte
    /// order mark.
    fn field(&self, c: usize) -> Option<std::borrow::Cow<'_, str>> {
        let mut bytes = self.record.get(c)?;
        if c + 1 == self.record.len() {
            bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        }
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        Some(crate::encoding::utf8_or_1252(bytes))
    }

    fn len(&self) -> usize {
        self.record.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every record of `bytes` with the line it starts on, as the `csv` reader reads them.
    fn records(bytes: &[u8], first_line: usize) -> Vec<(Vec<Vec<u8>>, usize)> {
        let mut r = Records::new(bytes);
        let mut out = Vec::new();
        while let Some(Ok(at)) = r.next() {
            let fields = (0..r.len()).map(|c| r.record[c].to_vec()).collect();
            let line = first_line + lines_before(bytes, at);
            out.push((fields, line));
        }
        out
    }

    /// Paths seen again in later blocks, by readers that gave up what they held, add up to
    /// what one pass over the file counts.
    #[test]
    fn paths_add_up_across_blocks_and_readers() {
        let mut csv = String::from("\"Process Name\",\"Operation\",\"Path\",\"Result\"\r\n");
        let distinct = 3 * Acc::MOST;
        for pass in 0..4 {
            for i in 0..distinct {
                let op = if pass == 0 { "ReadFile" } else { "WriteFile" };
                csv.push_str(&format!(
                    "\"app.exe\",\"{op}\",\"C:\\Data\\d{}\\f{i}.dat\",\"SUCCESS\"\r\n",
                    i % 97
                ));
            }
        }
        assert!(csv.len() > 2 * BLOCK, "several blocks");
        let mut ev = Evidence::default();
        ev.read_procmon(Path::new("t.csv"), csv.as_bytes(), &[]);
        assert_eq!(ev.csv_rows, 4 * distinct as u64);
        assert_eq!(ev.files.len(), distinct);
        assert!(ev.files.values().all(|s| s.writes == 3 && s.reads == 1));
        assert!(ev.malformed.is_empty(), "{:?}", ev.malformed);
    }

    proptest! {
        /// Cut into blocks, read a few bytes at a time as a stream is, a file reads as it does
        /// whole: the same records on the same lines, whatever quotes, commas and line breaks
        /// it holds, and no byte lost.
        #[test]
        fn blocks_read_as_the_whole_file(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'"'), Just(b','), Just(b'\n'), Just(b'\r'), Just(b'a')],
                0..300,
            ),
            size in 1usize..40,
            chunk in 1usize..16,
        ) {
            let whole = records(&bytes, 1);
            let mut blocks = Blocks::new(std::io::BufReader::with_capacity(chunk, &bytes[..]));
            blocks.size = size;
            let mut read = Vec::new();
            let mut joined = Vec::new();
            while let Some(block) = blocks.next_block().expect("bytes in memory") {
                prop_assert!(!block.bytes.is_empty());
                read.extend(records(&block.bytes, block.line));
                joined.extend_from_slice(&block.bytes);
            }
            prop_assert_eq!(joined, bytes);
            prop_assert_eq!(read, whole);
        }
    }

    #[test]
    fn csv_fields_may_hold_commas_quotes_and_line_breaks() {
        let text = b"\xef\xbb\xbf\"A\",\"B\"\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"two\r\nlines\",z\r\n\"Caf\xe9\",last";
        let mut r = Records::new(&text[..]);
        let mut next = || {
            let at = r.next()?.ok()?;
            let line = 1 + lines_before(text, at);
            let fields: Vec<String> = (0..r.len())
                .filter_map(|c| r.field(c).map(|f| f.into_owned()))
                .collect();
            Some((fields, line))
        };
        let v = |f: &[&str]| f.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // the byte order mark is not the first header's
        assert_eq!(next(), Some((v(&["A", "B"]), 1)));
        assert_eq!(next(), Some((v(&["x, y", "say \"hi\""]), 2)));
        // a line break inside quotes is the field's, as written
        assert_eq!(next(), Some((v(&["two\r\nlines", "z"]), 3)));
        // a field that is not UTF-8 is Windows-1252; the last line needs no line break
        assert_eq!(next(), Some((v(&["Caf\u{e9}", "last"]), 5)));
        assert_eq!(next(), None);
    }
}
