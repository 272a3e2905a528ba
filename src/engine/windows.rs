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

/// The service whose own settings key (`HKLM\SYSTEM\CurrentControlSet\Services\<service>\
/// Parameters`, or a numbered control set's, `ControlSet001`, which Windows boots as the
/// current one) holds `key`: the application's settings there (ports, paths) are data, which
/// the services block cannot set. [Microsoft, "HKLM\SYSTEM\CurrentControlSet\Services
/// registry tree"]
pub fn service_parameters_of(key: &str) -> Option<&str> {
    let segs: Vec<&str> = key.split('\\').collect();
    let is = |i: usize, word: &str| segs.get(i).is_some_and(|s| s.eq_ignore_ascii_case(word));
    let set = segs.get(2)?.to_ascii_lowercase();
    let control_set = set == "currentcontrolset"
        || set
            .strip_prefix("controlset")
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    (is(0, "hklm") && is(1, "system") && control_set && is(3, "services") && is(5, "parameters"))
        .then(|| segs[4])
}

/// The environment variables [`builtin_folder`] knows, as Windows spells them.
pub const BUILTIN_VARIABLES: [&str; 9] = [
    "SystemDrive",
    "SystemRoot",
    "windir",
    "ProgramFiles",
    "ProgramW6432",
    "ProgramFiles(x86)",
    "CommonProgramFiles",
    "ProgramData",
    "ALLUSERSPROFILE",
];

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

/// The inverse of [`builtin_folder`] on a server with system drive `system_drive`: each folder
/// a built-in variable can name there (on any architecture and Windows release, for a 32-bit
/// application too) with the variable a policy writes for it, longest folder first. A
/// 32-bit application's `Program Files (x86)` is its `%ProgramFiles%` (WOW64 moves it back on
/// x64); the legacy `All Users\Application Data` is `%ProgramData%`.
pub fn folder_variables(system_drive: &str) -> Vec<(String, &'static str)> {
    const NAMED: [&str; 3] = ["CommonProgramFiles", "ProgramFiles", "ProgramData"];
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for (x64, bits32, legacy) in [
        (false, false, false),
        (true, true, false),
        (false, false, true),
    ] {
        for var in NAMED.iter().copied().chain(["SystemRoot"]) {
            if let Some(f) = builtin_folder(var, system_drive, x64, bits32, legacy) {
                if !out.iter().any(|(o, _)| o.eq_ignore_ascii_case(&f)) {
                    out.push((f, var));
                }
            }
        }
    }
    out.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Keys under `HKLM\SOFTWARE` that WOW64 shares between the 32-bit and the 64-bit view on
/// every Windows release amxc targets (2003 to 2008 R2 and later), lower case, relative to
/// `HKLM\SOFTWARE`: a 32-bit program reads them where a 64-bit one does, so they never move
/// under `Wow6432Node`. `Classes` is handled by Windows' own reflection (2003, 2008) or shared
/// (2008 R2 on): it never moves either. [Microsoft, "Registry Keys Affected by WOW64",
/// the table "Redirected, Shared, and Reflected Keys Under WOW64"]
pub const WOW64_SHARED: &[&str] = &[
    "classes",
    "clients",
    "policies",
    "registeredapplications",
    "microsoft\\cryptography\\calais\\current",
    "microsoft\\cryptography\\calais\\readers",
    "microsoft\\cryptography\\services",
    "microsoft\\ctf\\systemshared",
    "microsoft\\ctf\\tip",
    "microsoft\\dfs",
    "microsoft\\driver signing",
    "microsoft\\enterprisecertificates",
    "microsoft\\msmq",
    "microsoft\\non-driver signing",
    "microsoft\\notepad\\defaultfonts",
    "microsoft\\ras",
    "microsoft\\shared tools\\msinfo",
    "microsoft\\systemcertificates",
    "microsoft\\termservlicensing",
    "microsoft\\transaction server",
    "microsoft\\windows\\currentversion\\app paths",
    "microsoft\\windows\\currentversion\\control panel\\cursors\\schemes",
    "microsoft\\windows\\currentversion\\explorer\\autoplayhandlers",
    "microsoft\\windows\\currentversion\\explorer\\driveicons",
    "microsoft\\windows\\currentversion\\explorer\\kindmap",
    "microsoft\\windows\\currentversion\\group policy",
    "microsoft\\windows\\currentversion\\policies",
    "microsoft\\windows\\currentversion\\previewhandlers",
    "microsoft\\windows\\currentversion\\setup",
    "microsoft\\windows\\currentversion\\telephony\\locations",
    "microsoft\\windows nt\\currentversion\\console",
    "microsoft\\windows nt\\currentversion\\fontdpi",
    "microsoft\\windows nt\\currentversion\\fontlink",
    "microsoft\\windows nt\\currentversion\\fontmapper",
    "microsoft\\windows nt\\currentversion\\fonts",
    "microsoft\\windows nt\\currentversion\\fontsubstitutes",
    "microsoft\\windows nt\\currentversion\\gre_initialize",
    "microsoft\\windows nt\\currentversion\\image file execution options",
    "microsoft\\windows nt\\currentversion\\languagepack",
    "microsoft\\windows nt\\currentversion\\networkcards",
    "microsoft\\windows nt\\currentversion\\perflib",
    "microsoft\\windows nt\\currentversion\\ports",
    "microsoft\\windows nt\\currentversion\\print",
    "microsoft\\windows nt\\currentversion\\profilelist",
    "microsoft\\windows nt\\currentversion\\time zones",
];

/// How WOW64 treats a key under `HKLM\SOFTWARE`, from the names after `SOFTWARE` (any case):
/// `Shared` when it is (or is under) a shared key, `Partly` when it holds one (a 32-bit
/// program sees some of its subkeys where a 64-bit one does), `Redirected` otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wow64 {
    Redirected,
    Partly,
    Shared,
}

pub fn wow64_of(rest: &[&str]) -> Wow64 {
    if rest
        .first()
        .is_some_and(|s| s.eq_ignore_ascii_case("wow6432node"))
    {
        return Wow64::Shared; // already the 32-bit view
    }
    let key = rest.join("\\").to_ascii_lowercase();
    let mut partly = false;
    // `a` is `b` or lies below it
    let within = |a: &str, b: &str| {
        a.strip_prefix(b)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('\\'))
    };
    for shared in WOW64_SHARED {
        if within(&key, shared) {
            return Wow64::Shared;
        }
        if shared.len() > key.len() && within(shared, &key) {
            partly = true;
        }
    }
    if partly {
        Wow64::Partly
    } else {
        Wow64::Redirected
    }
}

/// `HKLM\SOFTWARE\X` → `HKLM\SOFTWARE\Wow6432Node\X`: the registry view of a 32-bit program on
/// x64, for a pattern whose names up to its first wildcard decide it ([`wow64_of`]); shared
/// keys stay where they are. [Microsoft "Registry Keys Affected by WOW64"]
pub fn wow64_registry(p: &mut Pattern) {
    let is = |i: usize, s: &str| p.segs.get(i).and_then(|x| x.lit()) == Some(s);
    if !(is(0, "hklm") && is(1, "software") && p.segs.len() > 2) {
        return;
    }
    let rest: Vec<&str> = p.segs[2..].iter().map_while(|s| s.lit()).collect();
    if wow64_of(&rest) == Wow64::Shared {
        return;
    }
    p.segs.insert(2, Seg::new("wow6432node"));
    let mut parts: Vec<&str> = p.display.split('\\').collect();
    parts.insert(2, "Wow6432Node");
    p.display = parts.join("\\");
}

/// A registry key (`HKLM\SOFTWARE\…`, `HKEY_LOCAL_MACHINE\…`) as a 32-bit program on x64 reads
/// it: under `Wow6432Node` where WOW64 redirects it; `None` where it does not.
pub fn wow64_key(key: &str) -> Option<String> {
    let parts: Vec<&str> = key.split(['\\', '/']).collect();
    if crate::filters::short_hive(parts.first()?) != Some("HKLM")
        || !parts
            .get(1)
            .is_some_and(|p| p.eq_ignore_ascii_case("software"))
        || parts.len() < 3
        || wow64_of(&parts[2..]) == Wow64::Shared
    {
        return None;
    }
    let mut out: Vec<&str> = parts[..2].to_vec();
    out.push("Wow6432Node");
    out.extend(&parts[2..]);
    Some(out.join("\\"))
}

/// Whether a key names the 32-bit view itself: `HKLM\SOFTWARE\Wow6432Node\…` (any case, either
/// spelling of the hive).
pub fn names_wow6432node(key: &str) -> bool {
    let segs: Vec<&str> = key.split('\\').collect();
    segs.len() > 2
        && crate::filters::short_hive(segs[0]) == Some("HKLM")
        && segs[1].eq_ignore_ascii_case("software")
        && segs[2].eq_ignore_ascii_case("wow6432node")
}

/// A key as a 32-bit program names it (`HKLM\SOFTWARE\Wow6432Node\X` → `HKLM\SOFTWARE\X`), and
/// whether it was in the 32-bit view.
pub fn without_wow6432node(key: &str) -> (String, bool) {
    let segs: Vec<&str> = key.split('\\').collect();
    if segs.len() > 2 && segs[2].eq_ignore_ascii_case("wow6432node") {
        let mut v = segs[..2].to_vec();
        v.extend(&segs[3..]);
        return (v.join("\\"), true);
    }
    (key.to_string(), false)
}

/// The Windows PowerShell a server can run scripts with.
#[derive(Clone, Debug, PartialEq)]
pub enum PowerShell {
    /// None installed: scripts are cmd.
    Absent,
    /// This version (`2.0`, `3.0`, …).
    Version(Version),
}

impl PowerShell {
    /// `none`, or a version such as `2.0` or `5.1`.
    pub fn parse(text: &str) -> Option<PowerShell> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("none") {
            return Some(PowerShell::Absent);
        }
        let v = Version::parse(t)?;
        (v >= Version(vec![1]) && v < Version(vec![6])).then_some(PowerShell::Version(v))
    }

    /// Whether the generated `.ps1` scripts run here: they need PowerShell 2.0.
    pub fn runs_scripts(&self) -> bool {
        matches!(self, PowerShell::Version(v) if *v >= Version(vec![2]))
    }
}

impl std::fmt::Display for PowerShell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PowerShell::Absent => f.write_str("none"),
            PowerShell::Version(v) => {
                let parts: Vec<String> = v.0.iter().map(u64::to_string).collect();
                f.write_str(&parts.join("."))
            }
        }
    }
}

/// The PowerShell a Windows Server release ships, from the text of its `os` value (`2003`,
/// `2008`, `2008 R2`, `2012`, `2012 R2`, `2016`, …): none up to 2008 SP2 (2.0 only with the
/// Windows Management Framework update, KB968930, which a profile states with `powershell:`),
/// 2.0 in 2008 R2, 3.0 in 2012, 4.0 in 2012 R2, 5.1 from 2016. `None` when the text names no
/// release. [Microsoft WMF download pages; PowerShell team blog]
pub fn shipped_powershell(os: &str) -> Option<PowerShell> {
    let t: String = os
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let (year, r2) = match t.strip_suffix("r2") {
        Some(y) => (y, true),
        None => (t.as_str(), false),
    };
    let year: u32 = year.parse().ok()?;
    let v = |parts: &[u64]| PowerShell::Version(Version(parts.to_vec()));
    Some(match (year, r2) {
        (..2008, _) | (2008, false) => PowerShell::Absent,
        (2008, true) => v(&[2, 0]),
        (2009..=2012, false) => v(&[3, 0]),
        (2009..=2012, true) => v(&[4, 0]),
        _ => v(&[5, 1]),
    })
}

/// Registry locations that belong to each server: its service configuration (protected
/// services are configured by the services block), the whole of `HKLM\SOFTWARE`, the account
/// databases and the user hives. [Microsoft: "Registry hives"; vCSHB 6.6 guide: protected
/// services are configured by the product; DOMAIN: "a key that denies the System account
/// write access cannot be replicated"]
const SERVER_REGISTRY: [(&str, bool, &str); 6] = [
    (
        "HKLM\\SYSTEM\\**",
        false,
        "the server's own system and service configuration (protected services are set by the services block)",
    ),
    (
        "HKLM\\SOFTWARE\\**",
        true,
        "the whole of HKLM\\SOFTWARE: every application's settings, the HA product's own among them",
    ),
    ("HKLM\\SAM\\**", false, "the server's account database"),
    ("HKLM\\SECURITY\\**", false, "the server's security policy and secrets"),
    ("HKCU\\**", false, "a user hive, loaded per logged-on user"),
    ("HKU\\**", false, "the user hives, loaded per logged-on user"),
];

/// [`SERVER_REGISTRY`] as dangers: what no HA engine should copy from one server to another.
pub fn server_registry_dangers() -> Vec<super::Danger> {
    SERVER_REGISTRY
        .iter()
        .filter_map(|&(key, whole, why)| {
            crate::filters::normalize_registry(key)
                .ok()
                .map(|root| super::Danger { root, whole, why })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_builtin_variable_names_a_folder_and_no_other_does() {
        for name in BUILTIN_VARIABLES {
            assert!(
                builtin_folder(name, "C:", true, true, false).is_some(),
                "{name}"
            );
        }
        assert!(builtin_folder("Install", "C:", true, true, false).is_none());
    }

    #[test]
    fn each_folder_a_variable_names_reads_back_as_that_variable_on_any_system_drive() {
        for sd in ["C:", "D:"] {
            let folders = folder_variables(sd);
            let names: Vec<&str> = folders.iter().map(|(f, _)| f.as_str()).collect();
            let want = [
                format!("{sd}\\Documents and Settings\\All Users\\Application Data"),
                format!("{sd}\\Program Files (x86)\\Common Files"),
                format!("{sd}\\Program Files\\Common Files"),
                format!("{sd}\\Program Files (x86)"),
                format!("{sd}\\Program Files"),
                format!("{sd}\\ProgramData"),
                format!("{sd}\\Windows"),
            ];
            assert_eq!(names, want);
            for (folder, var) in &folders {
                let back = [
                    (false, false, false),
                    (true, true, false),
                    (false, false, true),
                ]
                .iter()
                .any(|&(x64, b, l)| builtin_folder(var, sd, x64, b, l).as_ref() == Some(folder));
                assert!(back, "{folder} is not what %{var}% names");
            }
        }
    }
}

#[cfg(test)]
mod wow64_tests {
    use super::*;

    #[test]
    fn wow64_moves_what_it_redirects_and_leaves_what_it_shares() {
        assert_eq!(wow64_of(&["Vendor", "App"]), Wow64::Redirected);
        assert_eq!(wow64_of(&["Policies", "Vendor"]), Wow64::Shared);
        assert_eq!(wow64_of(&["CLASSES"]), Wow64::Shared);
        assert_eq!(wow64_of(&["Microsoft"]), Wow64::Partly);
        assert_eq!(
            wow64_of(&[
                "Microsoft",
                "Windows NT",
                "CurrentVersion",
                "Time Zones",
                "UTC"
            ]),
            Wow64::Shared
        );
        assert_eq!(
            wow64_key("HKLM\\SOFTWARE\\Vendor\\App").as_deref(),
            Some("HKLM\\SOFTWARE\\Wow6432Node\\Vendor\\App")
        );
        assert_eq!(wow64_key("HKLM\\SOFTWARE\\Policies\\Vendor"), None);
        let moved = |text: &str| {
            let mut p = crate::filters::normalize_registry(text).expect("pattern");
            wow64_registry(&mut p);
            p.display
        };
        assert_eq!(
            moved("HKLM\\SOFTWARE\\Vendor\\**"),
            "HKLM\\SOFTWARE\\Wow6432Node\\Vendor\\**"
        );
        assert_eq!(
            moved("HKLM\\SOFTWARE\\Policies\\Vendor\\**"),
            "HKLM\\SOFTWARE\\Policies\\Vendor\\**"
        );
        // a pattern that holds shared keys moves: its other keys are redirected
        assert_eq!(
            moved("HKLM\\SOFTWARE\\Microsoft\\**"),
            "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\**"
        );
        assert_eq!(wow64_key("HKLM\\SYSTEM\\CurrentControlSet"), None);
        assert_eq!(
            without_wow6432node("HKLM\\SOFTWARE\\Wow6432Node\\Vendor"),
            ("HKLM\\SOFTWARE\\Vendor".to_string(), true)
        );
    }
}
