//! Formatting any policy that parses: the result parses to the same AST, and formatting it
//! again changes nothing.
#![no_main]
use libfuzzer_sys::fuzz_target;

fn shape(text: &str) -> Option<String> {
    let p = amxc::parse::parse(0, text);
    if p.diagnostics.iter().any(|d| d.is_error()) {
        return None;
    }
    let dbg = format!("{:?}", p.value?);
    // positions are not meaning: spans, and where a string's `%name%` uses lie in the source
    let mut out = String::new();
    let mut rest = dbg.as_str();
    loop {
        let span = rest.find("Span { start: ").map(|i| (i, '}'));
        let uses = rest.find("use_offsets: Some([").map(|i| (i, ']'));
        let Some((i, close)) = [span, uses].into_iter().flatten().min_by_key(|(i, _)| *i) else {
            break;
        };
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        rest = &after[after.find(close).map_or(after.len(), |e| e + 1)..];
    }
    out.push_str(rest);
    Some(out)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(before) = shape(text) else { return };
    let once = amxc::format::format(text);
    assert_eq!(
        shape(&once).as_deref(),
        Some(before.as_str()),
        "fmt changed the meaning"
    );
    assert_eq!(amxc::format::format(&once), once, "fmt is not idempotent");
});
