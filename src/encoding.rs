//! Text as Windows writes it where it writes no byte order mark: the ANSI code page of a
//! Western server, Windows-1252 (listings from `dir`, Process Monitor's CSV export).

/// Windows-1252's characters for the bytes 0x80–0x9F (`None`: unassigned).
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// `bytes` read as Windows-1252; the offset and value of a byte it leaves unassigned.
pub fn windows_1252(bytes: &[u8]) -> Result<String, (usize, u8)> {
    bytes
        .iter()
        .enumerate()
        .map(|(i, &b)| match b {
            0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)].ok_or((i, b)),
            b => Ok(char::from(b)),
        })
        .collect()
}

/// A line of text: UTF-8 when it is, else Windows-1252 (a byte it leaves unassigned becomes
/// U+FFFD, so a line is never lost).
pub fn utf8_or_1252(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => std::borrow::Cow::Owned(
            bytes
                .iter()
                .map(|&b| match b {
                    0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)].unwrap_or('\u{fffd}'),
                    b => char::from(b),
                })
                .collect(),
        ),
    }
}
