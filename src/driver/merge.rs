//! `amxc merge`: the shards' manifests (`partition.rs`) joined into one report of the whole
//! fleet — servers per shard, shards missing or given twice, servers that failed or are stale
//! (with their diffs) — so that a sharded pull request gets one comment.

use super::partition::{Manifest, StaleServer, MANIFEST_FORMAT_VERSION, MAX_SHARDS};
use crate::emit::quote::md_inline;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A manifest larger than this is not one amxc wrote (a fleet of 100,000 servers writes ~40 MB).
const MAX_MANIFEST_BYTES: usize = 64 * 1024 * 1024;

/// The fleet, joined.
#[derive(Serialize, Debug, Default, Clone)]
pub struct Merged {
    pub format_version: u32,
    pub policy: String,
    pub shards: u32,
    /// Servers per shard, by shard number.
    pub servers_per_shard: BTreeMap<u32, usize>,
    pub servers: usize,
    pub failed: Vec<String>,
    pub stale: Vec<StaleServer>,
    /// Errors and warnings the shards reported, by code.
    pub diagnostics: BTreeMap<String, usize>,
    /// What makes the join incomplete or inconsistent: shards missing or given twice, a
    /// server in two shards, manifests of different policies or shard counts.
    pub problems: Vec<String>,
}

impl Merged {
    /// Whether CI should fail: the join is incomplete, or a server failed or is stale.
    pub fn failed(&self) -> bool {
        !self.problems.is_empty() || !self.failed.is_empty() || !self.stale.is_empty()
    }

    /// How much larger the largest shard is than the mean, in percent.
    pub fn imbalance_percent(&self) -> f64 {
        let n = self.servers_per_shard.len().max(1) as f64;
        let mean = self.servers as f64 / n;
        let max = self.servers_per_shard.values().copied().max().unwrap_or(0) as f64;
        if mean == 0.0 {
            0.0
        } else {
            (max - mean) / mean * 100.0
        }
    }
}

/// Manifests named directly, or found in folders (to three levels down, where CI artifacts
/// land: `shards/shard-3/out/amxc-shard-3-of-8.json`), sorted.
pub fn find(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let manifest = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy())
            .is_some_and(|n| n.starts_with("amxc-shard-") && n.ends_with(".json"))
    };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let found = super::files::walk(p, Some(3), &manifest).map_err(|e| {
                format!(
                    "cannot read `{}`: {}",
                    p.display(),
                    super::inputs::io_words(&e)
                )
            })?;
            // hidden folders (`.git`) are not where CI artifacts land
            out.extend(found.into_iter().filter(|f| {
                f.strip_prefix(p).is_ok_and(|rel| {
                    rel.parent().is_none_or(|d| {
                        !d.components()
                            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
                    })
                })
            }));
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Read and join manifests.
pub fn merge(paths: &[PathBuf]) -> Result<Merged, String> {
    let mut manifests = Vec::new();
    for p in paths {
        let text = super::files::read_input_text(p, MAX_MANIFEST_BYTES).map_err(|e| {
            format!(
                "cannot read `{}`: {}",
                p.display(),
                super::inputs::io_words(&e)
            )
        })?;
        let m: Manifest = serde_json::from_str(&text)
            .map_err(|e| format!("`{}` is not a shard manifest: {e}", p.display()))?;
        if m.format_version != MANIFEST_FORMAT_VERSION {
            return Err(format!(
                "`{}` has manifest format {}, this amxc reads {MANIFEST_FORMAT_VERSION}",
                p.display(),
                m.format_version
            ));
        }
        manifests.push((p.clone(), m));
    }
    Ok(join(&manifests))
}

/// Join manifests already read.
pub fn join(manifests: &[(PathBuf, Manifest)]) -> Merged {
    let mut out = Merged {
        format_version: MANIFEST_FORMAT_VERSION,
        ..Merged::default()
    };
    // a manifest's own numbers are checked before anything is sized by them
    let mut valid = Vec::with_capacity(manifests.len());
    for (path, m) in manifests {
        if m.shards == 0 || m.shards > MAX_SHARDS || m.shard == 0 || m.shard > m.shards {
            out.problems.push(format!(
                "`{}` names shard {} of {}, which does not exist (1 ≤ K ≤ N ≤ {MAX_SHARDS})",
                path.display(),
                m.shard,
                m.shards
            ));
        } else {
            valid.push((path, m));
        }
    }
    let Some((_, first)) = valid.first().copied() else {
        out.problems.push("no shard manifest found".into());
        return out;
    };
    out.policy = first.policy.clone();
    out.shards = first.shards;
    let mut by_shard: BTreeMap<u32, &Path> = BTreeMap::new();
    let mut owner: BTreeMap<String, u32> = BTreeMap::new();
    for &(path, m) in &valid {
        if m.policy != first.policy || m.shards != first.shards {
            out.problems.push(format!(
                "`{}` is shard {}/{} of {}, not of {} in {} shards",
                path.display(),
                m.shard,
                m.shards,
                m.policy,
                first.policy,
                first.shards
            ));
            continue;
        }
        if let Some(prev) = by_shard.insert(m.shard, path) {
            out.problems.push(format!(
                "shard {}/{} is given twice: `{}` and `{}`",
                m.shard,
                m.shards,
                prev.display(),
                path.display()
            ));
            continue;
        }
        out.servers_per_shard.insert(m.shard, m.servers.len());
        for s in &m.servers {
            let key = s.server.to_ascii_lowercase();
            if let Some(k) = owner.insert(key, m.shard) {
                out.problems.push(format!(
                    "server {} is in shard {k} and in shard {}",
                    s.server, m.shard
                ));
            }
        }
        out.servers += m.servers.len();
        out.failed.extend(m.failed.iter().cloned());
        out.stale.extend(m.stale.iter().cloned());
        for (code, n) in &m.diagnostics {
            *out.diagnostics.entry(code.clone()).or_default() += n;
        }
    }
    let missing: Vec<String> = (1..=out.shards)
        .filter(|k| !by_shard.contains_key(k))
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() {
        out.problems.push(format!(
            "{} of {} shards are missing: {}",
            missing.len(),
            out.shards,
            missing.join(", ")
        ));
    }
    out.failed.sort();
    out.stale.sort_by(|a, b| a.server.cmp(&b.server));
    out
}

/// One line: `fleet symantec-mail-security.amx: 10,000 servers in 8 shards (largest 3.1% over
/// the mean); 2 stale, 0 failed`.
pub fn headline(m: &Merged) -> String {
    format!(
        "fleet {}: {} servers in {} of {} shards (largest {:.1}% over the mean); {} stale, {} failed{}",
        m.policy,
        m.servers,
        m.servers_per_shard.len(),
        m.shards,
        m.imbalance_percent(),
        m.stale.len(),
        m.failed.len(),
        if m.problems.is_empty() {
            String::new()
        } else {
            format!(
                "; {} with the shards",
                match m.problems.len() {
                    1 => "1 problem".to_string(),
                    n => format!("{n} problems"),
                }
            )
        }
    )
}

pub fn text(m: &Merged) -> String {
    let mut out = format!("{}\n", headline(m));
    for p in &m.problems {
        let _ = writeln!(out, "problem: {p}");
    }
    for f in &m.failed {
        let _ = writeln!(out, "failed: {f}");
    }
    for s in &m.stale {
        let _ = writeln!(out, "stale: {}", s.server);
        out.push_str(&s.diff);
        if !s.diff.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// One pull-request comment for the whole fleet, under GitHub's limit.
/// The report for a pull-request comment. Every string a manifest brought (the policy, server
/// names, paths) is escaped ([`md_inline`]): a manifest is an artifact anyone's job can write.
pub fn markdown(m: &Merged) -> String {
    let escaped = Merged {
        policy: md_inline(&m.policy),
        ..m.clone()
    };
    let mut out = format!("**amxc merge**: {}\n", headline(&escaped));
    if !m.problems.is_empty() {
        out.push_str("\n**The shards do not add up to the fleet:**\n\n");
        for p in &m.problems {
            let _ = writeln!(out, "- {}", md_inline(p));
        }
    }
    if !m.failed.is_empty() {
        let _ = writeln!(
            out,
            "\nFailed: {}",
            m.failed
                .iter()
                .map(|f| format!("<code>{}</code>", md_inline(f)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    const RESERVE: usize = 400;
    for (i, s) in m.stale.iter().enumerate() {
        let section = format!(
            "\n<details><summary><code>{}</code> is stale</summary>\n\n```diff\n{}```\n\n</details>\n",
            md_inline(&s.server),
            s.diff.replace("```", "'''")
        );
        if out.len() + section.len() + RESERVE > crate::diff::MARKDOWN_LIMIT {
            let _ = write!(
                out,
                "\n_Truncated: {} of {} stale servers not shown; run `amxc merge` for all._\n",
                m.stale.len() - i,
                m.stale.len()
            );
            break;
        }
        out.push_str(&section);
    }
    out
}

pub fn json(m: &Merged) -> String {
    serde_json::to_string_pretty(m).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::partition::ManifestServer;

    fn shard(k: u32, n: u32, servers: &[&str]) -> (PathBuf, Manifest) {
        (
            PathBuf::from(format!("s{k}.json")),
            Manifest {
                format_version: 1,
                policy: "p.amx".into(),
                shard: k,
                shards: n,
                servers: servers
                    .iter()
                    .map(|s| ManifestServer {
                        server: s.to_string(),
                        files: BTreeMap::new(),
                    })
                    .collect(),
                ..Manifest::default()
            },
        )
    }

    #[test]
    fn shards_join_into_the_fleet_and_gaps_are_named() {
        let m = join(&[shard(1, 2, &["A", "B"]), shard(2, 2, &["C"])]);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!((m.servers, m.shards), (3, 2));
        let m = join(&[shard(1, 3, &["A"]), shard(3, 3, &["C"])]);
        assert_eq!(m.problems, vec!["1 of 3 shards are missing: 2".to_string()]);
        let m = join(&[
            shard(1, 2, &["A"]),
            shard(1, 2, &["B"]),
            shard(2, 2, &["a"]),
        ]);
        assert!(
            m.problems[0].starts_with("shard 1/2 is given twice"),
            "{:?}",
            m.problems
        );
        let m = join(&[shard(1, 2, &["A"]), shard(2, 2, &["a"])]);
        assert_eq!(
            m.problems,
            vec!["server a is in shard 1 and in shard 2".to_string()]
        );
        let m = join(&[shard(1, 2, &["A"]), shard(2, 3, &["B"])]);
        assert!(m.failed());
    }
}
