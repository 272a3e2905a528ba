//! Normalised patterns. File patterns are absolute Windows paths on a drive; registry patterns
//! start with a hive. Matching is case-insensitive, so segments are kept lower-cased for
//! comparison and as written for display.

use super::sym::{Shape, Sym};
use std::fmt;
use std::sync::LazyLock;

/// One path segment of a pattern: a 32-bit handle to its interned, lower-cased text,
/// whose kind the text tells (`**`; a name with `*` or `?`; a literal name).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Seg(Sym);

/// A segment taken apart, for matching on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegKind {
    /// A literal name, lower-cased.
    Lit(&'static str),
    /// A name with `*` or `?`, lower-cased.
    Glob(&'static str),
    /// `**`: any number of segments.
    Any,
}

static ANY: LazyLock<Seg> = LazyLock::new(|| Seg(Sym::new("**")));
static STAR: LazyLock<Seg> = LazyLock::new(|| Seg(Sym::new("*")));

impl Seg {
    /// The segment a (lower-cased) name makes.
    pub fn new(lower: &str) -> Seg {
        Seg(Sym::new(lower))
    }

    /// `**`.
    pub fn any() -> Seg {
        *ANY
    }

    /// `*`: any one name.
    pub fn star() -> Seg {
        *STAR
    }

    pub fn kind(self) -> SegKind {
        match self.0.shape() {
            Shape::Lit => SegKind::Lit(self.0.as_str()),
            Shape::Glob => SegKind::Glob(self.0.as_str()),
            Shape::Any => SegKind::Any,
        }
    }

    pub fn is_any(self) -> bool {
        self.0.shape() == Shape::Any
    }

    pub fn is_lit(self) -> bool {
        self.0.shape() == Shape::Lit
    }

    /// The literal name, if the segment is one.
    pub fn lit(self) -> Option<&'static str> {
        self.is_lit().then(|| self.0.as_str())
    }

    /// The lower-cased text (`**` for any depth).
    pub fn text(self) -> &'static str {
        self.0.as_str()
    }

    /// The handle as a number: equal segments have equal numbers within a process (which
    /// number a name gets depends on the order names were first seen, so nothing that is
    /// output may depend on it — hash tables use it to find equal patterns).
    pub fn number(self) -> u32 {
        self.0.number()
    }
}

impl std::borrow::Borrow<str> for Seg {
    fn borrow(&self) -> &str {
        self.text()
    }
}

impl fmt::Debug for Seg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.kind(), f)
    }
}

/// A normalised pattern: its segments for matching and its canonical text for output.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pattern {
    pub segs: Vec<Seg>,
    /// Canonical text as written (case kept), `\`-separated, no trailing separator.
    pub display: String,
}

impl Pattern {
    /// The lower-cased canonical form: two patterns are the same filter when these are equal.
    pub fn key(&self) -> String {
        self.segs
            .iter()
            .map(|s| s.text())
            .collect::<Vec<_>>()
            .join("\\")
    }

    /// The drive letter of a file pattern (`C`), if any.
    pub fn drive(&self) -> Option<char> {
        match self.segs.first().and_then(|s| s.lit()) {
            Some(s) if s.len() == 2 && s.ends_with(':') => {
                s.chars().next().map(|c| c.to_ascii_uppercase())
            }
            _ => None,
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

/// Why a pattern is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    pub message: String,
    pub help: String,
}

fn err(message: impl Into<String>, help: impl Into<String>) -> PatternError {
    PatternError {
        message: message.into(),
        help: help.into(),
    }
}

const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

fn split(text: &str) -> Result<Vec<&str>, PatternError> {
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() || matches!(c, '"' | '<' | '>' | '|'))
    {
        return Err(err(
            format!(
                "the path holds {}, which Windows does not allow in paths",
                describe_char(c)
            ),
            "remove the character",
        ));
    }
    let parts: Vec<&str> = text.split(['\\', '/']).filter(|s| !s.is_empty()).collect();
    // Windows names a file, folder or registry key in at most 255 characters; a longer
    // segment matches nothing on any server (and would cost its length squared to compare)
    if let Some(long) = parts.iter().find(|p| p.chars().count() > MAX_NAME) {
        return Err(err(
            format!(
                "a name of {} characters: Windows allows at most {MAX_NAME} in a file, folder or key name",
                long.chars().count()
            ),
            "shorten the name, or match it with `*`",
        ));
    }
    // each `**` multiplies the ways two patterns can line up: a handful say anything a
    // policy needs
    let anys = parts.iter().filter(|p| **p == "**").count();
    if anys > MAX_ANY {
        return Err(err(
            format!("{anys} `**` in one pattern; at most {MAX_ANY} are allowed"),
            "split the pattern into several rules, or name the folders between",
        ));
    }
    Ok(parts)
}

/// The longest name of a file, folder or registry key Windows allows. [Microsoft, "Naming
/// Files, Paths, and Namespaces" (255 characters per component); "Registry Element Size
/// Limits" (key name 255 characters)]
pub const MAX_NAME: usize = 255;

/// `**` allowed in one pattern.
pub const MAX_ANY: usize = 8;

fn describe_char(c: char) -> String {
    if c.is_control() {
        format!("the control character U+{:04X}", c as u32)
    } else {
        format!("`{c}`")
    }
}

/// The interned lower-case form of a name (short ASCII names without allocating).
fn lower_sym(raw: &str) -> Sym {
    let mut buf = [0u8; 64];
    if raw.is_ascii() && raw.len() <= buf.len() {
        let out = &mut buf[..raw.len()];
        out.copy_from_slice(raw.as_bytes());
        out.make_ascii_lowercase();
        if let Ok(text) = std::str::from_utf8(out) {
            return Sym::new(text);
        }
    }
    Sym::new(&raw.to_lowercase())
}

/// The segment of a name [`check_segment`] accepts.
fn checked_segment(raw: &str) -> Seg {
    if raw == "**" {
        Seg::any()
    } else {
        Seg(lower_sym(&canonical_wildcards(raw)))
    }
}

/// Why a name cannot be a segment of a pattern, if it cannot (`**` can).
fn check_segment(raw: &str) -> Result<(), PatternError> {
    if raw == "**" {
        return Ok(());
    }
    if raw.contains("**") {
        return Err(err(
            format!("`**` must be a whole path segment, not part of `{raw}`"),
            "write `**` alone between separators to match any depth, or `*` to match within one segment",
        ));
    }
    if raw == "." || raw == ".." {
        return Err(err(
            format!("`{raw}` segments are not allowed in filter patterns"),
            "write the absolute path without `.` or `..`",
        ));
    }
    // Windows drops a name's trailing dots and spaces (`Windows.` is `Windows`): a pattern
    // written so would not compare with the folder it names
    if raw.ends_with(['.', ' ']) {
        return Err(err(
            format!("`{raw}` ends with a dot or a space, which Windows drops from names"),
            format!("write `{}`", raw.trim_end_matches(['.', ' '])),
        ));
    }
    if is_short_name(raw) {
        return Err(err(
            format!("`{raw}` is an 8.3 short name"),
            "write the long name: short names are made per volume and differ between servers, so they cannot be compared with other filters or vetoed folders",
        ));
    }
    // the names are ASCII, and no other character lower-cases into one of their letters but
    // the Kelvin sign (`k`)
    let stem = raw.split('.').next().unwrap_or("");
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        return Err(err(
            format!("`{raw}` is a reserved device name on Windows"),
            "no file or folder can have this name",
        ));
    }
    Ok(())
}

/// A run of `*` and `?` written one way: its `?`s (each one character), then one `*` if the run
/// has any — `*?*?` and `??*` match the same names, and compare in the length of the shorter.
pub(crate) fn canonical_wildcards(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains("*?") && !raw.contains("**") {
        return std::borrow::Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '*' && c != '?' {
            out.push(c);
            continue;
        }
        let (mut q, mut star) = (0, false);
        let mut take = |c: char| if c == '*' { star = true } else { q += 1 };
        take(c);
        while let Some(&n) = chars.peek().filter(|&&n| n == '*' || n == '?') {
            take(n);
            chars.next();
        }
        out.extend(std::iter::repeat_n('?', q));
        if star {
            out.push('*');
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A generated 8.3 short name such as `PROGRA~1` or `MICROS~2.TXT`: up to six characters, `~`,
/// a digit run, and an extension of up to three.
fn is_short_name(raw: &str) -> bool {
    let (base, ext) = raw.split_once('.').unwrap_or((raw, ""));
    let Some((stem, digits)) = base.rsplit_once('~') else {
        return false;
    };
    !stem.is_empty()
        && stem.len() <= 6
        && !digits.is_empty()
        && digits.len() + stem.len() < 8
        && digits.bytes().all(|b| b.is_ascii_digit())
        && ext.len() <= 3
        && !raw.contains(['*', '?'])
}

/// `Windows\Sysnative` is how a 32-bit program names the 64-bit `Windows\System32`: the same
/// folder, so it is related (and vetoed) as that folder.
fn sysnative(segs: &mut [Seg]) {
    for k in 1..segs.len() {
        if segs[k].lit() == Some("sysnative") && segs[k - 1].lit() == Some("windows") {
            segs[k] = Seg::new("system32");
        }
    }
}

/// The names of an absolute file pattern, each checked as [`normalize_file`] checks them.
fn file_parts(t: &str) -> Result<Vec<&str>, PatternError> {
    if t.starts_with("\\\\") || t.starts_with("//") {
        return Err(err(
            "UNC and device paths (`\\\\server\\share`, `\\\\?\\`) cannot be protected",
            "filters apply to local NTFS volumes: write a path on a drive letter",
        ));
    }
    let parts = split(t)?;
    let Some(first) = parts.first() else {
        return Err(err(
            "the pattern is empty",
            "write an absolute path such as 'C:\\App\\**'",
        ));
    };
    let b = first.as_bytes();
    if !(b.len() == 2 && b[0].is_ascii_alphabetic() && b[1] == b':') {
        return Err(err(
            format!("`{t}` is not an absolute path on a drive"),
            "start the pattern with a drive letter or a variable such as %ProgramFiles%",
        ));
    }
    for raw in &parts[1..] {
        if raw.contains(':') {
            return Err(err(
                format!("`:` is not allowed inside the path segment `{raw}`"),
                "remove it; alternate data streams cannot be filtered",
            ));
        }
        check_segment(raw)?;
    }
    Ok(parts)
}

/// Whether [`normalize_file`] accepts `text`, without building the pattern (no name is
/// interned: a check of many distinct paths keeps no table of them).
pub fn check_file(text: &str) -> Result<(), PatternError> {
    file_parts(text.trim()).map(|_| ())
}

/// Normalise an absolute file pattern such as `C:\Program Files\App\**`.
pub fn normalize_file(text: &str) -> Result<Pattern, PatternError> {
    let t = text.trim();
    let parts = file_parts(t)?;
    let mut segs = Vec::with_capacity(parts.len());
    let mut display = String::with_capacity(t.len());
    for (k, raw) in parts.iter().enumerate() {
        if k == 0 {
            segs.push(Seg(lower_sym(raw)));
            display.push_str(&raw.to_ascii_uppercase());
        } else {
            segs.push(checked_segment(raw));
            display.push('\\');
            display.push_str(raw);
        }
    }
    canonical_stars(&mut segs);
    sysnative(&mut segs);
    Ok(Pattern { segs, display })
}

/// Write every run of `*` and `**` segments one way: its `*`s, then one `**` if it had any.
/// The run matches "at least as many segments as it has `*`s" (any number with a `**`), so
/// `**\*`, `*\**` and `**\*\**` are one pattern: equal patterns compare equal, and subset
/// and overlap need not guess how a `**` lines up with a `*`.
fn canonical_stars(segs: &mut Vec<Seg>) {
    let star = Seg::star();
    let pure = |s: &Seg| s.is_any() || *s == star;
    if !segs.windows(2).any(|w| w[0].is_any() && pure(&w[1])) {
        return;
    }
    let mut out = Vec::with_capacity(segs.len());
    let mut k = 0;
    while k < segs.len() {
        if !pure(&segs[k]) {
            out.push(segs[k]);
            k += 1;
            continue;
        }
        let run = segs[k..].iter().take_while(|s| pure(s)).count();
        let stars = segs[k..k + run].iter().filter(|s| !s.is_any()).count();
        out.extend(std::iter::repeat_n(star, stars));
        if stars < run {
            out.push(Seg::any());
        }
        k += run;
    }
    *segs = out;
}

/// The registry's hives: the long name `reg export` writes, the short one policies use, and
/// its lower case (how amxc compares names). The one table of them.
const HIVES: &[(&str, &str, &str)] = &[
    ("HKEY_LOCAL_MACHINE", "HKLM", "hklm"),
    ("HKEY_CURRENT_USER", "HKCU", "hkcu"),
    ("HKEY_CLASSES_ROOT", "HKCR", "hkcr"),
    ("HKEY_USERS", "HKU", "hku"),
    ("HKEY_CURRENT_CONFIG", "HKCC", "hkcc"),
];

/// The short name of a hive named either way, in any case (`HKEY_LOCAL_MACHINE` → `HKLM`).
pub fn short_hive(name: &str) -> Option<&'static str> {
    HIVES
        .iter()
        .find(|(long, short, _)| {
            name.eq_ignore_ascii_case(long) || name.eq_ignore_ascii_case(short)
        })
        .map(|(_, short, _)| *short)
}

/// [`short_hive`] in lower case, for a name already in lower case (coverage's hot path).
pub fn lower_hive(lower: &str) -> Option<&'static str> {
    HIVES
        .iter()
        .find(|(long, _, short)| *short == lower || long.eq_ignore_ascii_case(lower))
        .map(|(_, _, short)| *short)
}

/// Normalise a registry pattern such as `HKLM\SOFTWARE\Vendor\**`.
pub fn normalize_registry(text: &str) -> Result<Pattern, PatternError> {
    let parts = split(text.trim())?;
    let Some(first) = parts.first() else {
        return Err(err(
            "the pattern is empty",
            "write a key such as 'HKLM\\SOFTWARE\\Vendor\\**'",
        ));
    };
    let Some(hive) = short_hive(first) else {
        return Err(err(
            format!("`{first}` is not a registry hive"),
            "start with HKLM, HKCU, HKCR, HKU or HKCC (or a long form such as HKEY_LOCAL_MACHINE)",
        ));
    };
    let mut segs = vec![Seg(lower_sym(hive))];
    let mut display = vec![hive.to_string()];
    for raw in &parts[1..] {
        segs.push(if *raw == "**" {
            Seg::any()
        } else if raw.contains("**") {
            return Err(err(
                format!("`**` must be a whole key segment, not part of `{raw}`"),
                "write `**` alone between separators",
            ));
        } else {
            Seg(lower_sym(&canonical_wildcards(raw)))
        });
        display.push(raw.to_string());
    }
    canonical_stars(&mut segs);
    Ok(Pattern {
        segs,
        display: display.join("\\"),
    })
}

#[cfg(test)]
mod windows_names {
    use super::*;
    use crate::filters::overlaps;

    /// `check_file` accepts what `normalize_file` accepts and refuses the rest with the same
    /// words.
    #[test]
    fn checking_a_file_pattern_says_what_normalizing_it_says() {
        for t in [
            "C:\\App\\**",
            " D:\\Data\\*.log ",
            "C:\\a\\**\\b\\*?*",
            "\\\\server\\share",
            "",
            "App\\x",
            "C:\\a\\f.txt:stream",
            "C:\\a\\b.",
            "C:\\a\\x**y",
            "C:\\a\\..\\b",
            "C:\\PROGRA~1\\x",
            "C:\\a\\CON.txt",
            "C:\\a\\\u{212a}on",
            "C:\\a\\b|c",
            "C:\\**\\**\\**\\**\\**\\**\\**\\**\\**",
        ] {
            assert_eq!(check_file(t), normalize_file(t).map(|_| ()), "{t}");
        }
    }

    #[test]
    fn locations_compare_as_windows_resolves_them() {
        for bad in [
            r"C:\Windows.\System32\**",
            r"C:\Windows \System32\**",
            r"C:\PROGRA~1\App\**",
            r"C:\App\LOGFIL~1.TXT",
        ] {
            assert!(normalize_file(bad).is_err(), "{bad} accepted");
        }
        let sys = normalize_file(r"C:\Windows\System32\**").expect("system32");
        let native = normalize_file(r"C:\WINDOWS\Sysnative\drivers\**").expect("sysnative");
        assert!(overlaps(&native.segs, &sys.segs));
        // names that only look like short names stay
        for ok in [r"C:\App~Data\**", r"C:\A\x~y.txt", r"C:\A\~1"] {
            assert!(normalize_file(ok).is_ok(), "{ok} refused");
        }
    }
}
