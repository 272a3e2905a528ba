//! Values a script can hold: checked once, for every value, before any script is written, so
//! that the quoting in `emit::quote` never meets what it cannot quote.

/// Why a value cannot be written into a script.
pub fn unsafe_reason(value: &str) -> Option<String> {
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Some(format!("it holds the control character U+{:04X}", c as u32));
    }
    if value.contains('"') {
        return Some("it holds a `\"`, which Windows does not allow in names and paths".into());
    }
    None
}
