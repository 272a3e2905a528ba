//! `amxc coverage POLICY --target FILE --paths LISTING` and `amxc explain-path PATH`.

use super::failure::{Failure, Outcome};
use super::output::emit_result;
use super::{DiagArgs, EXIT_FINDINGS};
use crate::coverage::{Class, Classifier, Summary};
use crate::driver::load::with_plan;
use crate::source::SourceMap;
use std::fmt::Write as _;
use std::path::Path;

/// A path's verdict as JSON: its class and the rule that decided it.
fn verdict_json(c: &Classifier, path: &str, v: crate::coverage::Verdict) -> serde_json::Value {
    serde_json::json!({
        "path": path,
        "class": v.class.as_str(),
        "rule": v.rule.map(|r| &c.rules[r]),
        "implied": v.implied,
    })
}

/// Counts as JSON, each rule with the paths it decided.
fn summary_json(c: &Classifier, sum: &Summary) -> serde_json::Value {
    serde_json::json!({
        "paths": sum.paths,
        "replicated": sum.replicated,
        "excluded": sum.excluded,
        "unprotected": sum.unprotected,
        "outside": sum.outside,
        "invalid": sum.invalid,
        "rules": c.rules.iter().zip(&sum.by_rule).map(|(r, n)| serde_json::json!({
            "kind": r.kind, "pattern": r.pattern, "origin": r.origin, "paths": n,
        })).collect::<Vec<_>>(),
    })
}

fn describe(c: &Classifier, v: crate::coverage::Verdict) -> String {
    match (v.rule, v.implied) {
        (Some(r), _) => {
            let r = &c.rules[r];
            format!("{} {} ({})", r.kind, r.pattern, r.origin)
        }
        (None, true) => "a folder on the way to a filter".into(),
        (None, false) => match v.class {
            Class::Invalid => "not an absolute path or registry key".into(),
            _ => "no filter".into(),
        },
    }
}

/// A listing's text, decoded as Windows writes listings (`cp`: the code page of one without a
/// byte order mark that is not UTF-8).
fn read_listing(listing: &Path, cp: crate::encoding::CodePage) -> Result<String, Failure> {
    let bytes = crate::driver::files::read_input(listing, crate::driver::files::DEFAULT_LIMIT)
        .map_err(|e| {
            Failure::io(format!(
                "cannot read `{}`: {}",
                listing.display(),
                crate::driver::inputs::io_words(&e)
            ))
        })?;
    crate::encoding::decode_in(&bytes, cp).map_err(|why| {
        Failure(
            crate::diagnostic::Diagnostic::new(
                crate::diagnostic::codes::LISTING_ENCODING,
                format!("cannot read the listing `{}`: {why}", listing.display()),
            )
            .with_help(
                "save it as UTF-8 or UTF-16 with a byte order mark, or name its code page with `--code-page` (`chcp` on the server says which)",
            ),
        )
    })
}

/// `amxc coverage POLICY --targets DIR --paths DIR [--partition …]`: each server of the fleet
/// (or of its shard) against its own listing, `PATHS/<server>.txt`; one line per server and a
/// total. A server without a listing is named, and fails the run.
pub fn fleet(
    policy: &Path,
    matrix: Option<&Path>,
    targets: &Path,
    (listings, cp): (&Path, crate::encoding::CodePage),
    partition: Option<crate::driver::partition::Partition>,
    diag: &DiagArgs,
) -> Outcome {
    use crate::driver::load::load_checked;
    let mut sources = SourceMap::new();
    let files = crate::driver::fleet::target_files(targets).map_err(Failure::from)?;
    let (checked, diags) = load_checked(&mut sources, policy, matrix)
        .map_err(Failure::from)?
        .into_parts();
    let mut errors: Vec<_> = diags.into_iter().filter(|d| d.is_error()).collect();
    let Some(c) = checked else {
        return Ok(emit_result(&sources, &errors, diag, None, None).max(EXIT_FINDINGS));
    };
    let loaded =
        crate::driver::fleet::load_targets(&mut sources, &files, &c, partition.as_ref(), None)
            .map_err(Failure::from)?;
    errors.extend(loaded.diagnostics.into_iter().filter(|d| d.is_error()));
    let mut out = String::new();
    let mut per_server: Vec<serde_json::Value> = Vec::new();
    let mut total = Summary::new(0);
    let (mut servers, mut missing) = (0, 0);
    for t in loaded.targets {
        let listing = ["txt", "lst"]
            .iter()
            .map(|ext| listings.join(format!("{}.{ext}", t.server)))
            .find(|p| p.is_file());
        let Some(listing) = listing else {
            let expected = listings.join(format!("{}.txt", t.server));
            let _ = writeln!(out, "{}: no listing ({})", t.server, expected.display());
            per_server.push(serde_json::json!({
                "server": t.server, "listing": null, "expected": expected.display().to_string(),
            }));
            missing += 1;
            continue;
        };
        let text = read_listing(&listing, cp)?;
        let (plan, ds) = crate::plan(&c, &t).into_parts();
        errors.extend(ds);
        let Some(plan) = plan else { continue };
        let classifier = Classifier::new(&plan);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let mut sum = Summary::new(classifier.rules.len());
        for v in classifier.classify_all(&lines) {
            sum.add(v);
            total.add(crate::coverage::Verdict { rule: None, ..v });
        }
        servers += 1;
        per_server.push(serde_json::json!({
            "server": t.server,
            "listing": listing.display().to_string(),
            "summary": summary_json(&classifier, &sum),
        }));
        let _ = writeln!(out, "{}: {} paths: {} replicated, {} excluded, {} unprotected, {} outside every filter, {} invalid", t.server, sum.paths, sum.replicated, sum.excluded, sum.unprotected, sum.outside, sum.invalid);
    }
    let shard = partition.as_ref().map_or(String::new(), |p| {
        format!(" in shard {} ({})", p.label(), p.source)
    });
    let _ = writeln!(out, "{servers} servers{shard}: {} paths: {} replicated, {} excluded, {} unprotected, {} outside every filter, {} invalid", total.paths, total.replicated, total.excluded, total.unprotected, total.outside, total.invalid);
    if missing > 0 {
        let _ = writeln!(out, "{missing} servers have no listing");
    }
    let result = serde_json::json!({
        "format_version": 1,
        "servers": per_server,
        "shard": partition.as_ref().map(|p| p.label()),
        "total": {
            "servers": servers,
            "without_listing": missing,
            "paths": total.paths,
            "replicated": total.replicated,
            "excluded": total.excluded,
            "unprotected": total.unprotected,
            "outside": total.outside,
            "invalid": total.invalid,
        },
    });
    let code = emit_result(&sources, &errors, diag, Some(&out), Some(result));
    Ok(if missing > 0 || errors.iter().any(|d| d.is_error()) {
        code.max(EXIT_FINDINGS)
    } else {
        code
    })
}

pub fn coverage(
    policy: &Path,
    matrix: Option<&Path>,
    target: &Path,
    (listing, cp): (&Path, crate::encoding::CodePage),
    summary: bool,
    diag: &DiagArgs,
) -> Outcome {
    let text = read_listing(listing, cp)?;
    let mut sources = SourceMap::new();
    let (out, diags) = with_plan(&mut sources, policy, matrix, target, None, |plan| {
        let c = Classifier::new(plan);
        let mut sum = Summary::new(c.rules.len());
        let mut out = String::new();
        let mut paths: Vec<serde_json::Value> = Vec::new();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        for (line, v) in lines.iter().zip(c.classify_all(&lines)) {
            sum.add(v);
            if !summary {
                let _ = writeln!(out, "{:<11} {}  <- {}", v.class.as_str(), line.trim(), describe(&c, v));
                paths.push(verdict_json(&c, line.trim(), v));
            }
        }
        if summary {
            let _ = writeln!(out, "{} paths: {} replicated, {} excluded, {} unprotected, {} outside every filter, {} invalid", sum.paths, sum.replicated, sum.excluded, sum.unprotected, sum.outside, sum.invalid);
            let _ = writeln!(out, "\nper rule:");
            for (i, r) in c.rules.iter().enumerate() {
                let _ = writeln!(out, "{:>9}  {} {} ({})", sum.by_rule[i], r.kind, r.pattern, r.origin);
            }
            let unused: Vec<usize> = (0..c.rules.len()).filter(|&i| sum.by_rule[i] == 0).collect();
            if !unused.is_empty() {
                let _ = writeln!(out, "\nrules that matched nothing on this server (check them):");
                for i in unused {
                    let r = &c.rules[i];
                    let _ = writeln!(out, "  {} {} ({})", r.kind, r.pattern, r.origin);
                }
            }
        }
        let mut result = serde_json::json!({
            "format_version": 1,
            "server": plan.target.server,
            "summary": summary_json(&c, &sum),
        });
        if !summary {
            result["paths"] = serde_json::Value::Array(paths);
        }
        (out, result)
    })
    .map_err(Failure::from)?
    .into_parts();
    Ok(finish(&sources, out, diags, diag))
}

pub fn explain_path(
    path: &str,
    policy: &Path,
    matrix: Option<&Path>,
    target: &Path,
    diag: &DiagArgs,
) -> Outcome {
    let mut sources = SourceMap::new();
    let (out, diags) = with_plan(&mut sources, policy, matrix, target, None, |plan| {
        let c = Classifier::new(plan);
        let mut buf = crate::coverage::Scratch::default();
        // a key as the application on this server reads it
        let redirected = plan.redirected_key(path);
        let key = redirected.as_deref().unwrap_or(path);
        let v = c.classify(key, &mut buf);
        let mut out = format!(
            "{}: {}\n  decided by {}\n",
            path,
            v.class.as_str(),
            describe(&c, v)
        );
        if let Some(r) = &redirected {
            let _ = writeln!(
                out,
                "  read as {r}: a 32-bit application's registry view on x64 (WOW64)"
            );
        }
        let all = c.matching_rules(key);
        if !all.is_empty() {
            out.push_str("  every rule that matches it:\n");
            for &i in &all {
                let r = &c.rules[i];
                let mark = if Some(i) == v.rule { "*" } else { " " };
                let _ = writeln!(out, "  {mark} {} {} ({})", r.kind, r.pattern, r.origin);
            }
        }
        let mut result = verdict_json(&c, path, v);
        result["format_version"] = 1.into();
        result["server"] = plan.target.server.clone().into();
        result["read_as"] = redirected.clone().into();
        result["matching"] = all
            .iter()
            .map(|&i| serde_json::json!(&c.rules[i]))
            .collect();
        (out, result)
    })
    .map_err(Failure::from)?
    .into_parts();
    Ok(finish(&sources, out, diags, diag))
}

/// Print the report (text, or with `--format json` one document with the diagnostics), or
/// the errors that prevented it; the exit code follows.
fn finish(
    sources: &SourceMap,
    out: Option<(String, serde_json::Value)>,
    diags: Vec<crate::diagnostic::Diagnostic>,
    diag: &DiagArgs,
) -> u8 {
    let errors: Vec<_> = diags.into_iter().filter(|d| d.is_error()).collect();
    match out {
        Some((text, json)) => emit_result(sources, &errors, diag, Some(&text), Some(json)),
        None => emit_result(sources, &errors, diag, None, None).max(EXIT_FINDINGS),
    }
}
