//! `amxc discover`: read the evidence, print a proposed policy (or what an existing one
//! lacks), and say what was read and how fast.

use super::args::{DiscoverArgs, DiscoverFormat};
use super::failure::{Failure, Outcome};
use super::output::stdout;
use crate::diagnostic::{codes, Diagnostic};
use crate::discover::{self, Evidence};
use std::path::PathBuf;

fn read(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    crate::driver::files::read_input(path, crate::driver::files::DEFAULT_LIMIT).map_err(|e| {
        Failure::io(format!(
            "cannot read `{}`: {}",
            path.display(),
            crate::driver::inputs::io_words(&e)
        ))
    })
}

pub fn run(i: DiscoverArgs) -> Outcome {
    if i.reg.is_empty() && i.procmon.is_empty() && i.listing.is_empty() && i.services.is_empty() {
        return Err(Failure::usage(
            "no evidence given",
            "give at least one of --procmon, --reg, --listing, --services",
        ));
    }
    if !crate::ast::is_var_name(&i.name)
        && !i
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Failure::usage(
            format!("`{}` cannot be a module's id", i.name),
            "use letters, digits, `-` and `_`",
        ));
    }
    let started = std::time::Instant::now();
    let mut ev = Evidence {
        code_page: i.code_page,
        ..Evidence::default()
    };
    let mut sources = Vec::new();
    let name = |p: &PathBuf| {
        p.file_name().map_or(p.display().to_string(), |n| {
            n.to_string_lossy().into_owned()
        })
    };
    for p in &i.procmon {
        let f = crate::driver::files::open_input(p).map_err(|e| {
            Failure::io(format!(
                "cannot read `{}`: {}",
                p.display(),
                crate::driver::inputs::io_words(&e)
            ))
        })?;
        ev.read_procmon(p, std::io::BufReader::with_capacity(1 << 16, f), &i.process);
        sources.push(format!("{} (Process Monitor)", name(p)));
    }
    for p in &i.reg {
        ev.read_reg(p, &read(p)?);
        sources.push(format!("{} (reg export)", name(p)));
    }
    for p in &i.listing {
        ev.read_listing(p, &read(p)?);
        sources.push(format!("{} (listing)", name(p)));
    }
    for p in &i.services {
        ev.read_services(p, &read(p)?);
        sources.push(format!("{} (sc)", name(p)));
    }
    for p in &i.volumes {
        ev.read_volumes(p, &read(p)?);
        sources.push(format!("{} (volumes)", name(p)));
    }
    // volume paths and 8.3 short names, resolved through the volumes and the listing
    ev.resolve_paths();
    let existing = match &i.policy {
        Some(p) => {
            let text = String::from_utf8(read(p)?)
                .map_err(|_| Failure::io(format!("`{}` is not UTF-8", p.display())))?;
            let parsed = crate::parse::parse(0, &text);
            match parsed
                .value
                .filter(|_| !parsed.diagnostics.iter().any(Diagnostic::is_error))
            {
                Some(policy) => Some(policy),
                None => {
                    return Err(Failure::usage(
                        format!("`{}` does not parse", p.display()),
                        format!("run `amxc check {}` first", p.display()),
                    ))
                }
            }
        }
        None => None,
    };
    let release = match (&i.release, &existing) {
        (Some(r), _) => r.clone(),
        (None, Some(p)) => p
            .versions
            .as_ref()
            .and_then(|v| v.value.first())
            .map(|d| d.to_string())
            .unwrap_or_default(),
        (None, None) => {
            return Err(Failure::usage(
                "the proposed policy needs the release the evidence comes from",
                "give --release YYYY-MM-DD (the date of the application module's release)",
            ))
        }
    };
    if crate::ast::Date::parse(&release, Default::default()).is_none() {
        return Err(Failure::usage(
            format!("`{release}` is not a release date"),
            "write it as YYYY-MM-DD",
        ));
    }
    let proposal = discover::propose(&ev, &i.name, &release, sources);
    let out = match (&existing, i.format) {
        (Some(p), DiscoverFormat::Amx) => {
            discover::comparison_text(&discover::compare(p, &ev, &proposal))
        }
        (Some(p), DiscoverFormat::Json) => {
            let c = discover::compare(p, &ev, &proposal);
            serde_json::to_string_pretty(&serde_json::json!({ "format_version": 1, "lacks": c.lacks, "untouched": c.untouched })).unwrap_or_default() + "\n"
        }
        (None, DiscoverFormat::Amx) => discover::policy_text(&proposal),
        (None, DiscoverFormat::Json) => {
            serde_json::to_string_pretty(
                &serde_json::json!({ "format_version": 1, "proposal": proposal }),
            )
            .unwrap_or_default()
                + "\n"
        }
    };
    stdout(&out);
    for m in &ev.malformed {
        let d = Diagnostic::new(
            codes::EVIDENCE_LINE,
            format!("{}:{}: {}", m.file, m.line, m.why),
        )
        .with_help("the line is left out; the rest of the file is read");
        eprintln!(
            "{}",
            crate::diagnostic::render(
                &crate::source::SourceMap::new(),
                &[d],
                crate::diagnostic::Format::Short,
                false
            )
            .trim_end()
        );
    }
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    let mut read = Vec::new();
    if ev.csv_rows > 0 {
        read.push(format!(
            "{} Process Monitor rows ({:.1} MB/s)",
            ev.csv_rows,
            ev.csv_bytes as f64 / 1e6 / secs
        ));
    }
    if ev.reg_keys > 0 {
        read.push(format!(
            "{} registry keys, {} values",
            ev.reg_keys, ev.reg_values
        ));
    }
    if !ev.listed.is_empty() {
        read.push(format!("{} listed files", ev.listed.len()));
    }
    if !ev.services.is_empty() {
        read.push(format!("{} services", ev.services.len()));
    }
    eprintln!(
        "read {} in {:.2} s; proposed {} rules and {} services, left out {} locations",
        read.join(", "),
        secs,
        proposal.rules.len(),
        proposal.services.len(),
        proposal.left_out.len()
    );
    // the process ends here: what a million paths built is given back with it, not freed one
    // allocation at a time (0.05 s of a million-path trace)
    std::mem::forget((ev, proposal, out));
    Ok(0)
}
