//! Text as Windows writes it: by its byte order mark (UTF-8, UTF-16LE as PowerShell 5.1's `>`
//! and `reg export` write it, UTF-16BE), else UTF-8, else the ANSI code page of a Western
//! server, Windows-1252 (listings from `dir`, Process Monitor's CSV export), or the OEM code
//! page named. Every reader of evidence, listings and captures decodes through [`decode_in`].
//! `encoding_rs` sniffs the byte order mark and decodes UTF-16 and Windows-1252; `oem_cp`
//! holds the OEM code pages (437, 850, …), which the WHATWG encodings do not include.

/// `bytes` read as Windows-1252 as Windows reads it: every byte is a character (the five
/// that the code page leaves unassigned, 0x81, 0x8D, 0x8F, 0x90 and 0x9D, are the C1 controls
/// of the same number, as `MultiByteToWideChar` gives them). [WHATWG Encoding, windows-1252]
pub fn windows_1252(bytes: &[u8]) -> String {
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
        .into_owned()
}

/// A line of text: UTF-8 when it is, else Windows-1252.
pub fn utf8_or_1252(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => std::borrow::Cow::Owned(windows_1252(bytes)),
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
    // the byte order mark says the encoding (encoding_rs sniffs UTF-8, UTF-16LE and UTF-16BE)
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let rest = &bytes[bom..];
        if encoding != encoding_rs::UTF_8 && !rest.len().is_multiple_of(2) {
            return Err(format!(
                "it is {} (by its byte order mark) but has an odd number of bytes",
                encoding.name()
            ));
        }
        return encoding
            .decode_without_bom_handling_and_without_replacement(rest)
            .map(std::borrow::Cow::into_owned)
            .ok_or_else(|| match encoding.name() {
                "UTF-8" => {
                    "it starts as UTF-8 (by its byte order mark) but is not UTF-8".to_string()
                }
                name => {
                    format!("it is {name} (by its byte order mark) but holds an unpaired surrogate")
                }
            });
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    match cp {
        CodePage::Ansi1252 => Ok(windows_1252(bytes)),
        CodePage::Oem(n) => match oem_cp::code_table::DECODING_TABLE_CP_MAP.get(&n) {
            Some(table) => table
                .decode_string_checked(bytes)
                .ok_or_else(|| format!("a byte is neither UTF-8 nor a character of code page {n}")),
            None => Err(format!("code page {n} is not one amxc reads")),
        },
    }
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
        // an unpaired surrogate in UTF-16LE
        assert!(decode(&[0xFF, 0xFE, 0x00, 0xD8, b'a', 0x00]).is_err());
        // the bytes Windows-1252 leaves unassigned read as Windows reads them
        assert_eq!(decode(&[b'a', 0x81]).as_deref(), Ok("a\u{81}"));
    }
}
