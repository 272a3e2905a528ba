//! Windows platform facts: which matrix dimensions describe the server, the folders Windows
//! names by environment variable (and how WOW64 moves them), registry redirection for 32-bit
//! programs on x64, and what each Windows release can run.

use crate::ast::Version;
use crate::filters::{Pattern, Seg};

/// The dimension whose value says the processor architecture (`x86`, `x64`).
pub const DIM_ARCH: &str = "arch";
/// The dimension whose value says the Windows Server release (`2003`, `2008`, …); a target
/// profile may give it as `os:` when the matrix has no such dimension.
pub const DIM_OS: &str = "os";
/// The dimension whose value says the HA product generation (`5.2`, `6.4`, …).
pub const DIM_PRODUCT: &str = "heartbeat";

/// Whether an `arch` value means 64-bit x86.
pub fn is_x64(arch: &str) -> bool {
    arch.eq_ignore_ascii_case("x64") || arch.eq_ignore_ascii_case("amd64")
}

/// Windows Server 2003 or earlier: no PowerShell out of the box, `Documents and Settings`.
pub fn is_legacy(os: &Version) -> bool {
    *os < Version(vec![2008])
}

/// The folder a built-in environment variable names on a server, or `None` for a name that
/// is not built in. `x64`: the server; `bits32`: the application is 32-bit (WOW64 gives it
/// `Program Files (x86)` as `%ProgramFiles%`); `legacy`: Windows Server 2003.
/// [Microsoft "WOW64 Implementation Details"; "Recognized environment variables"]
pub fn builtin_folder(
    name: &str,
    system_drive: &str,
    x64: bool,
    bits32: bool,
    legacy: bool,
) -> Option<String> {
    let sd = system_drive;
    let x86_on_x64 = bits32 && x64;
    let pf = |wow: bool| {
        if wow {
            format!("{sd}\\Program Files (x86)")
        } else {
            format!("{sd}\\Program Files")
        }
    };
    let all_users = format!("{sd}\\Documents and Settings\\All Users");
    Some(match name.to_ascii_lowercase().as_str() {
        "systemdrive" => sd.to_string(),
        "systemroot" | "windir" => format!("{sd}\\Windows"),
        "programfiles" => pf(x86_on_x64),
        "programw6432" => pf(false),
        "programfiles(x86)" if x64 => pf(true),
        "commonprogramfiles" => format!("{}\\Common Files", pf(x86_on_x64)),
        "programdata" if legacy => format!("{all_users}\\Application Data"),
        "programdata" => format!("{sd}\\ProgramData"),
        "allusersprofile" if legacy => all_users,
        "allusersprofile" => format!("{sd}\\ProgramData"),
        _ => return None,
    })
}

/// `HKLM\SOFTWARE\X` → `HKLM\SOFTWARE\Wow6432Node\X`: the registry view of a 32-bit program on
/// x64. `HKLM\SOFTWARE\Classes` is shared, not redirected. [Microsoft "Registry Keys Affected
/// by WOW64"]
pub fn wow64_registry(p: &mut Pattern) {
    let is = |i: usize, s: &str| p.segs.get(i).and_then(|x| x.lit()) == Some(s);
    if is(0, "hklm")
        && is(1, "software")
        && !is(2, "wow6432node")
        && !is(2, "classes")
        && p.segs.len() > 2
    {
        p.segs.insert(2, Seg::new("wow6432node"));
        let mut parts: Vec<&str> = p.display.split('\\').collect();
        parts.insert(2, "Wow6432Node");
        p.display = parts.join("\\");
    }
}
