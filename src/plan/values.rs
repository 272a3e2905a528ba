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

/// Why `arg` cannot be passed to task program `program` safely. A batch program (`.cmd`,
/// `.bat`) runs under `cmd.exe /c`, which interprets `& | < > ^ ( )`, expands `%` (and `!`
/// where delayed expansion is on) in its arguments — quoting cannot make every value inert
/// there (the "BatBadBut" class; Rust's std refuses such arguments the same way), so they are
/// refused. Other programs split their command line by CommandLineToArgvW rules, which the
/// scripts quote for.
pub fn batch_arg_refusal(program: &str, arg: &str) -> Option<String> {
    if !is_batch(program) {
        return None;
    }
    arg.chars().find(|c| "%!^&|<>()\"".contains(*c)).map(|c| {
        format!("the program is a batch file, run by cmd.exe, which would interpret `{c}` in it")
    })
}

/// Why a batch program's own path cannot be run safely: `cmd.exe /c` expands `%` in it.
pub fn batch_program_refusal(program: &str) -> Option<String> {
    (is_batch(program) && program.contains(['%', '!'])).then(|| {
        "a batch file's path passes through cmd.exe, which would expand `%` or `!` in it"
            .to_string()
    })
}

/// A `.cmd` or `.bat` file, which Windows runs under `cmd.exe /c`.
pub fn is_batch(program: &str) -> bool {
    let p = program.trim_end().to_ascii_lowercase();
    p.ends_with(".cmd") || p.ends_with(".bat")
}
