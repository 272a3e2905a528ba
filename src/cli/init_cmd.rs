//! `amxc init NAME [--dir DIR]`: a starting policy, its version matrix, a target profile and a
//! policy test for a product, which check, compile and pass as written — every construct an
//! engineer fills in next is there, commented. Nothing is overwritten: each file is created
//! new, and an existing one stops the command before anything is written.

use super::failure::{Failure, Outcome};
use std::path::Path;

/// A module name as the language takes it: lower-case letters, digits and hyphens.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The files `init` writes, by path relative to the folder.
pub fn files(name: &str) -> Vec<(String, String)> {
    let title = name
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    let policy = format!(
        r#"// {title} — Application Module. Written by `amxc init`: replace each example with what
// the application really has (`amxc discover` proposes rules from a server's evidence).
// The language: docs/language.md; a walk-through: docs/tutorial.md.

amx "{name}" {{
    title "{title} - Application Module"
    application "{title}" {{
    }}
    // the release versions of this module; the matrix beside it says what each supports
    versions 2024-01-01

    paths {{
        Install = '%ProgramFiles%\{title}'
    }}

    services {{
        startup manual // the HA product, not Windows, starts protected services
        on-failure recover-service, switchover
        service {service} "{title} Service"
    }}

    data {{
        files include '%Install%\Data\**' as data
        files include '%Install%\Logs\**' as log
        registry include 'HKLM\SOFTWARE\{title}\**' as config
        unprotected '%Install%\Temp\**' because "temporary files, rebuilt at start-up"
    }}
}}
"#,
        service = title.replace(' ', "")
    );
    let matrix = format!(
        r#"# The versions {name}'s module supports (docs/matrix.md). Written by `amxc init`.
amx: {name}
dimensions:
  arch: {{ kind: enum, values: [x86, x64] }}
  os:   {{ kind: version, values: ["2003", "2008", "2008 R2"] }}
platforms:
  - {{ arch: x86, os: ["2003", "2008"] }}
  - {{ arch: x64, os: ["2003", "2008", "2008 R2"] }}
versions:
  "2024-01-01": {{}}
"#
    );
    let target = format!(
        r#"# One server the module runs on (docs/target.md). Written by `amxc init`.
server: SERVER01
amx: {name}
version: "2024-01-01"
arch: x64
os: "2008 R2"
management_ip: null
drives: [C]
"#
    );
    let test = format!(
        r#"# What the module must do on SERVER01 (docs/testing.md). Written by `amxc init`.
policy: ../{name}.amx
tests:
  - name: SERVER01 replicates the data and the logs, never the temporary files
    target: ../targets/SERVER01.yaml
    replicated:
      - 'C:\Program Files\{title}\Data\file.dat'
      - 'C:\Program Files\{title}\Logs\today.log'
    unprotected:
      - 'C:\Program Files\{title}\Temp\scratch.tmp'
    services: [{service}]
"#,
        service = title.replace(' ', "")
    );
    vec![
        (format!("{name}.amx"), policy),
        (format!("{name}.versions.yaml"), matrix),
        ("targets/SERVER01.yaml".to_string(), target),
        (format!("tests/{name}.amxtest.yaml"), test),
    ]
}

pub fn run(name: &str, dir: &Path) -> Outcome {
    if !valid_name(name) {
        return Err(Failure::usage(
            format!("`{name}` cannot name a module"),
            "use lower-case letters, digits and hyphens, starting with a letter, such as `contoso-backup`",
        ));
    }
    let files = files(name);
    // nothing is written when any file exists: no half-made module
    for (rel, _) in &files {
        let p = dir.join(rel);
        if std::fs::symlink_metadata(&p).is_ok() {
            return Err(Failure::usage(
                format!("`{}` exists", p.display()),
                "choose another folder with --dir, or another name",
            ));
        }
    }
    for (rel, text) in &files {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Failure::io(format!(
                    "cannot create `{}`: {}",
                    parent.display(),
                    crate::driver::inputs::io_words(&e)
                ))
            })?;
        }
        crate::driver::files::write_new(&p, text.as_bytes()).map_err(|e| {
            Failure::io(format!(
                "cannot write `{}`: {}",
                p.display(),
                crate::driver::inputs::io_words(&e)
            ))
        })?;
        super::output::stdout(&format!("wrote {}\n", p.display()));
    }
    super::output::stdout(&format!(
        "next: amxc check {0}  ·  amxc test {1}  ·  amxc compile {0} --targets {2} --out out/\n",
        dir.join(format!("{name}.amx")).display(),
        dir.join("tests").display(),
        dir.join("targets").display()
    ));
    Ok(0)
}
