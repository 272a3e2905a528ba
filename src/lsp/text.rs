//! Open documents and positions as the protocol counts them: lines, and columns in UTF-16 code
//! units (LSP 3.17's default encoding), converted to and from byte offsets; incremental edits
//! applied to a document's text.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// Where each line starts, to convert offsets and positions.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// The position of byte `offset` (clamped to the text, and to a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of `pos`; a column past the end of its line is the line's end, a line
    /// past the end of the text is the text's end.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |&n| n);
        let line = &text[start..end];
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            // the character that holds the unit (a position inside a surrogate pair is the
            // pair's start)
            if units + c.len_utf16() as u32 > pos.character || c == '\n' || c == '\r' {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        end
    }

    /// Follow an edit that replaced bytes `start..end` with `new`: the line starts inside the
    /// replaced text go, those of `new` come, and the ones after move by the change in length.
    /// Costs the lines after the edit, not a scan of the whole text (4,000 changes in one
    /// message rebuilt the index 4,000 times).
    pub fn edit(&mut self, start: usize, end: usize, new: &str) {
        let from = self.starts.partition_point(|&s| s <= start);
        let to = self.starts.partition_point(|&s| s <= end);
        let removed = end - start;
        let tail: Vec<usize> = self.starts[to..]
            .iter()
            .map(|&s| s - removed + new.len())
            .collect();
        self.starts.truncate(from);
        self.starts
            .extend(new.match_indices('\n').map(|(i, _)| start + i + 1));
        self.starts.extend(tail);
    }

    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

/// An open document.
#[derive(Clone, Debug)]
pub struct Document {
    pub text: String,
    pub version: i32,
    pub index: LineIndex,
    /// The edits since version `log_from`, each as (the version it made, start, bytes
    /// removed, bytes inserted): how an offset in this text maps to an older version's.
    log: Vec<(i32, usize, usize, usize)>,
    log_from: i32,
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let index = LineIndex::new(&text);
        Document {
            text,
            version,
            index,
            log: Vec::new(),
            log_from: version,
        }
    }

    /// Where byte `offset` of this text was in version `version` of it, when the edits since
    /// are known (an offset inside inserted text maps to where the insertion was).
    pub fn offset_in(&self, version: i32, offset: usize) -> Option<usize> {
        if version < self.log_from || version > self.version {
            return None;
        }
        let mut o = offset;
        for &(made, start, removed, inserted) in self.log.iter().rev() {
            if made <= version {
                break;
            }
            if o >= start + inserted {
                o = o - inserted + removed;
            } else if o > start {
                o = start;
            }
        }
        Some(o)
    }

    /// Forget the edits up to `version`: nothing will ask about older versions.
    pub fn forget_until(&mut self, version: i32) {
        if version > self.log_from {
            self.log.retain(|e| e.0 > version);
            self.log_from = version.min(self.version);
        }
    }

    /// Apply the changes of one `didChange`, in order (each range refers to the text as the
    /// previous change left it).
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, version: i32) {
        for c in changes {
            match c.range {
                Some(r) => {
                    let start = self.index.offset(&self.text, r.start);
                    let end = self.index.offset(&self.text, r.end).max(start);
                    self.text.replace_range(start..end, &c.text);
                    self.index.edit(start, end, &c.text);
                    self.log.push((version, start, end - start, c.text.len()));
                }
                None => {
                    self.text = c.text;
                    self.index = LineIndex::new(&self.text);
                    // no earlier version maps into a replaced text
                    self.log.clear();
                    self.log_from = version;
                }
            }
        }
        self.version = version;
    }

    pub fn position(&self, offset: usize) -> Position {
        self.index.position(&self.text, offset)
    }

    pub fn offset(&self, pos: Position) -> usize {
        self.index.offset(&self.text, pos)
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        self.index.range(&self.text, start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edited_index_is_the_index_of_the_edited_text() {
        // a fixed pseudo-random sequence of edits (xorshift), so the test is the same anywhere
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n.max(1) as u64) as usize
        };
        let pieces = ["", "a", "\n", "ab\ncd", "\n\n", "é\n", "xyz"];
        let mut text = String::from("one\ntwo\nthree\n");
        let mut ix = LineIndex::new(&text);
        for _ in 0..2000 {
            let mut a = next(text.len() + 1);
            let mut b = next(text.len() + 1);
            if a > b {
                std::mem::swap(&mut a, &mut b);
            }
            while !text.is_char_boundary(a) {
                a -= 1;
            }
            while !text.is_char_boundary(b) {
                b -= 1;
            }
            let new = pieces[next(pieces.len())];
            text.replace_range(a..b, new);
            ix.edit(a, b, new);
            assert_eq!(ix.starts, LineIndex::new(&text).starts, "{text:?}");
        }
    }

    #[test]
    fn columns_count_utf16_code_units() {
        // `é` is one unit, `𝄞` (U+1D11E) two: `%` is the 7th unit, 9 bytes in
        let text = "a\n'é𝄞' %X%\n";
        let ix = LineIndex::new(text);
        let x = text.find("%X%").expect("use");
        assert_eq!(x - 2, 9);
        assert_eq!(ix.position(text, x), Position::new(1, 6));
        assert_eq!(ix.offset(text, Position::new(1, 6)), x);
        // inside a surrogate pair: the character's start
        let clef = text.find('𝄞').expect("clef");
        assert_eq!(ix.offset(text, Position::new(1, 3)), clef);
        // past the end of a line or of the text
        assert_eq!(ix.offset(text, Position::new(0, 99)), 1);
        assert_eq!(ix.offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut d = Document::new("amx \"x\" {\n}\n".into(), 1);
        let at = |l, c| Position::new(l, c);
        d.apply(
            vec![
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(at(1, 0), at(1, 0))),
                    range_length: None,
                    text: "    versions 2007-07-11\n".into(),
                },
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(at(0, 5), at(0, 6))),
                    range_length: None,
                    text: "é".into(),
                },
            ],
            2,
        );
        assert_eq!(d.text, "amx \"é\" {\n    versions 2007-07-11\n}\n");
        assert_eq!(d.version, 2);
    }

    #[test]
    fn offsets_map_back_to_an_older_version() {
        let mut d = Document::new("abc\ndef\n".into(), 1);
        let change = |line, ch, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(line, ch), Position::new(line, ch))),
            range_length: None,
            text: text.into(),
        };
        d.apply(vec![change(0, 0, "XY")], 2);
        d.apply(vec![change(1, 3, "!")], 3);
        assert_eq!(d.text, "XYabc\ndef!\n");
        // `d` of `def` is at 6 now, at 4 in version 1 and at 6 in version 2
        assert_eq!(d.offset_in(1, 6), Some(4));
        assert_eq!(d.offset_in(2, 6), Some(6));
        // inside the insertion: where it was inserted
        assert_eq!(d.offset_in(1, 1), Some(0));
        d.apply(
            vec![TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "new".into(),
            }],
            4,
        );
        assert_eq!(d.offset_in(3, 0), None);
        assert_eq!(d.offset_in(4, 2), Some(2));
    }
}
