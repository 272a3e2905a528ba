//! Literal values: strings of both kinds, release dates, dotted versions, durations.

use crate::source::Span;
use std::cmp::Ordering;
use std::fmt;

/// A string after unescaping. `literal` is true for `'…'` strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    pub value: String,
    pub span: Span,
    pub literal: bool,
    /// Where each `%name%` use of the value starts in the source, for the rare string whose
    /// value is not its source text (escapes, doubled quotes). `None`: value byte `k` is
    /// source byte `span.start + 1 + k` (see [`Str::uses`]).
    pub use_offsets: Option<Box<Vec<usize>>>,
}

impl Str {
    /// A string made by the compiler, not read from a policy.
    pub fn synthetic(value: String, span: Span) -> Str {
        Str {
            value,
            span,
            literal: true,
            use_offsets: None,
        }
    }
}

/// A release version: a calendar date, validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub span: Span,
}

impl Date {
    /// Parse `YYYY-MM-DD`; `None` when the text is not a real date.
    pub fn parse(text: &str, span: Span) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year: u16 = text.get(0..4)?.parse().ok()?;
        let month: u8 = text.get(5..7)?.parse().ok()?;
        let day: u8 = text.get(8..10)?.parse().ok()?;
        if year == 0 || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            year,
            month,
            day,
            span,
        })
    }

    /// The same date without location, for comparisons and map keys.
    pub fn key(self) -> (u16, u8, u8) {
        (self.year, self.month, self.day)
    }
}

pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A dotted version such as `6`, `6.0`, `5.0.2`, compared numerically per component, with
/// missing components as zero (`6` == `6.0`).
#[derive(Clone, Debug, Eq)]
pub struct Version(pub Vec<u64>);

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        if text.is_empty() {
            return None;
        }
        text.split('.')
            .map(|p| {
                if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                    None
                } else {
                    p.parse::<u64>().ok()
                }
            })
            .collect::<Option<Vec<_>>>()
            .map(Version)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.0.len().max(other.0.len());
        for i in 0..n {
            let a = self.0.get(i).copied().unwrap_or(0);
            let b = other.0.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => continue,
                o => return o,
            }
        }
        Ordering::Equal
    }
}

/// A duration in seconds, written `30s`, `10m`, `4h`, `1d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    pub seconds: u64,
}

impl Duration {
    /// The longest duration a policy may write: 30 days. Longer is a mistake in every place a
    /// duration stands (a timeout, a switchover budget, a period), and the bound keeps every
    /// sum of a plan's steps and every conversion (a cluster's PendingTimeout in milliseconds,
    /// a 32-bit value) exact.
    pub const MAX_SECONDS: u64 = 30 * 86400;

    /// `30s`, `10m`, `4h`, `1d`; `None` when it is not one or is longer than [`Self::MAX_SECONDS`].
    pub fn parse(text: &str) -> Option<Duration> {
        let (num, unit) = text.split_at(text.len().checked_sub(1)?);
        let n: u64 = num.parse().ok()?;
        let mult = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86400,
            _ => return None,
        };
        n.checked_mul(mult)
            .filter(|&seconds| seconds <= Self::MAX_SECONDS)
            .map(|seconds| Duration { seconds })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.seconds;
        if s != 0 && s.is_multiple_of(86400) {
            write!(f, "{}d", s / 86400)
        } else if s != 0 && s.is_multiple_of(3600) {
            write!(f, "{}h", s / 3600)
        } else if s != 0 && s.is_multiple_of(60) {
            write!(f, "{}m", s / 60)
        } else {
            write!(f, "{s}s")
        }
    }
}

/// A value compared with a dimension, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub kind: ValueKind,
    /// The text as it means: the date, the version, the word or the string's content.
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Date,
    Version,
    Word,
    Str,
}
