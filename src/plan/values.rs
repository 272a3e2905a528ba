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

/// Whether Windows runs `program` as a batch file, under `cmd.exe /c`: the name as Windows
/// resolves it, not as written. Windows removes trailing dots and spaces from a file name
/// (`run.bat.` and `run.bat. .` open `run.bat`: CVE-2024-43402, the follow-up to Rust's
/// CVE-2024-24576), compares extensions in any case, opens a file's default stream for
/// `run.bat::$DATA`, and a name without an extension is completed from `PATHEXT`, which holds
/// `.BAT` and `.CMD` — so such a name may be a batch file too.
pub fn is_batch(program: &str) -> bool {
    let name = program.rsplit(['\\', '/']).next().unwrap_or(program);
    let mut name = name.to_ascii_lowercase();
    // the default data stream, named or with its type
    for stream in ["::$data", ":$data"] {
        if let Some(n) = name.strip_suffix(stream) {
            name = n.to_string();
        }
    }
    let name = name.trim_end_matches(['.', ' ']);
    match name.rsplit_once('.') {
        Some((_, ext)) => ext == "cmd" || ext == "bat",
        // no extension: found through PATHEXT, perhaps as a `.bat` or `.cmd`
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_files_are_recognised_as_windows_resolves_their_names() {
        for p in [
            "run.bat",
            "RUN.CMD",
            "run.bat.",
            "run.bat. .",
            "run.cmd .. . ",
            "C:\\x\\run.Bat",
            "run.bat::$DATA",
            "run.cmd:$data",
            "C:\\Tools\\backup",
        ] {
            assert!(is_batch(p), "{p:?} is run by cmd.exe");
        }
        for p in [
            "C:\\x\\run.exe",
            "run.exe.",
            "C:\\a.bat\\run.exe",
            "cscript.exe",
            "tool.batx",
        ] {
            assert!(!is_batch(p), "{p:?} is not a batch file");
        }
        assert!(batch_arg_refusal("run.bat. .", "a&b").is_some());
        assert!(batch_program_refusal("C:\\%x%\\run.cmd.").is_some());
    }
}
