//! Text as Windows writes it: by its byte order mark (UTF-8, UTF-16LE as PowerShell 5.1's `>`
//! and `reg export` write it, UTF-16BE), else UTF-8, else the ANSI code page of a Western
//! server, Windows-1252 (listings from `dir`, Process Monitor's CSV export). Every reader of
//! evidence, listings and captures decodes through [`decode`].

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

/// Text as Windows writes it, or why it cannot be read: `dir /s /b > file` writes the ANSI
/// or OEM code page, PowerShell 5.1's `>` writes UTF-16LE with a byte order mark, PowerShell
/// 7 and most tools UTF-8, `reg export` UTF-16LE. Decoded by its byte order mark, else as
/// UTF-8, else as Windows-1252.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    decode_in(bytes, CodePage::Ansi1252)
}

/// The code page of text that has no byte order mark and is not UTF-8: Windows-1252 (the ANSI
/// code page of a Western server, what Process Monitor and most tools write), or an OEM code
/// page — what `dir /s /b > file` in cmd writes: 437 on a US server, 850 in Western Europe
/// (`chcp` says which).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CodePage {
    #[default]
    Ansi1252,
    Oem(u16),
}

impl CodePage {
    /// `1252`, or an OEM code page's number (`437`, `850`, `852`, `866`, …).
    pub fn parse(s: &str) -> Result<CodePage, String> {
        let n: u16 = s
            .trim()
            .trim_start_matches("cp")
            .parse()
            .map_err(|_| format!("`{s}` is not a code page number (1252, 437, 850, …)"))?;
        if n == 1252 {
            return Ok(CodePage::Ansi1252);
        }
        if oem_cp::code_table::DECODING_TABLE_CP_MAP.contains_key(&n) {
            return Ok(CodePage::Oem(n));
        }
        let mut known: Vec<u16> = oem_cp::code_table::DECODING_TABLE_CP_MAP
            .keys()
            .copied()
            .collect();
        known.sort_unstable();
        let known: Vec<String> = known.iter().map(u16::to_string).collect();
        Err(format!(
            "code page {n} is not one amxc reads: 1252 or the OEM code pages {}",
            known.join(", ")
        ))
    }
}

/// [`decode`], with text that has no byte order mark and is not UTF-8 read in `cp`.
pub fn decode_in(bytes: &[u8], cp: CodePage) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8(rest.to_vec()).map_err(|e| {
            format!(
                "it starts as UTF-8 but byte {} is not UTF-8",
                e.utf8_error().valid_up_to() + 3
            )
        });
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes, "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes, "UTF-16BE");
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    match cp {
        CodePage::Ansi1252 => windows_1252(bytes)
            .map_err(|(i, b)| format!("byte {i} (0x{b:02X}) is neither UTF-8 nor Windows-1252")),
        CodePage::Oem(n) => match oem_cp::code_table::DECODING_TABLE_CP_MAP.get(&n) {
            Some(table) => table
                .decode_string_checked(bytes)
                .ok_or_else(|| format!("a byte is neither UTF-8 nor a character of code page {n}")),
            None => Err(format!("code page {n} is not one amxc reads")),
        },
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16, name: &str) -> Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err(format!(
            "it is {name} (by its byte order mark) but has an odd number of bytes"
        ));
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units)
        .enumerate()
        .map(|(i, c)| c.map_err(|_| format!("it is {name} but unit {i} is an unpaired surrogate")))
        .collect()
}

#[cfg(test)]
mod decode_tests {
    use super::*;

    #[test]
    fn a_listing_cmd_wrote_in_an_oem_code_page_reads_with_it() {
        // `dir /s /b > list.txt` on a Western European server: "Größe" in code page 850
        let bytes = b"C:\\Daten\\Gr\x94\xE1e.xml\r\n";
        assert_eq!(
            decode(bytes).expect("decodes"),
            "C:\\Daten\\Gr\u{201d}\u{e1}e.xml\r\n"
        );
        let cp850 = CodePage::parse("850").expect("850 is known");
        assert_eq!(
            decode_in(bytes, cp850).expect("decodes"),
            "C:\\Daten\\Größe.xml\r\n"
        );
        // a byte order mark or UTF-8 wins over the code page
        assert_eq!(
            decode_in("Größe".as_bytes(), cp850).expect("decodes"),
            "Größe"
        );
        assert_eq!(
            CodePage::parse("1252").expect("1252 is known"),
            CodePage::Ansi1252
        );
        assert!(CodePage::parse("65001")
            .expect_err("65001 is refused")
            .contains("437"));
    }

    #[test]
    fn listings_decode_as_windows_writes_them() {
        let text = "C:\\Société\\a.txt\r\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend(text.as_bytes());
        let cp1252: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
        for bytes in [le, be, bom8, text.as_bytes().to_vec(), cp1252] {
            assert_eq!(decode(&bytes).as_deref(), Ok(text));
        }
        assert_eq!(decode(&[0x93, b'x', 0x94]).as_deref(), Ok("“x”"));
        assert!(decode(&[0xFF, 0xFE, b'a']).is_err());
        assert!(decode(&[0x81]).is_err());
    }
}
