//! Fleets across machines: which shard of a CI job matrix a server belongs to, and the
//! manifest each shard writes so that `amxc merge` can join the shards into one report.
//!
//! A server belongs to shard K of N (1 ≤ K ≤ N) when the first eight bytes of the SHA-256 of
//! its name — lower-cased in ASCII, as Windows compares server names, in UTF-8 — read as a
//! big-endian number, modulo N, equal K − 1. The shard depends on the name and N only: not on
//! the platform, the order of the profiles or the other servers, so adding or removing a
//! server moves no other. A profile that cannot be read (so has no server name) belongs to the
//! shard its file name (without the extension) hashes to, so that exactly one shard reports it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The manifest's format version.
pub const MANIFEST_FORMAT_VERSION: u32 = 1;

/// One shard of a fleet: the K-th of N.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    pub k: u32,
    pub n: u32,
    /// Where it came from: `--partition hash:3/8`, or the CI variables it was read from.
    pub source: String,
}

/// The most shards a fleet is split into: more than any CI runs in parallel (a GitHub Actions
/// matrix has at most 256 jobs), few enough that a report naming the missing ones stays small.
pub const MAX_SHARDS: u32 = 10_000;

/// The 1-based shard of `name` among `n`.
pub fn shard_of(name: &str, n: u32) -> u32 {
    let digest = Sha256::digest(name.to_ascii_lowercase().as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(n.max(1))) as u32 + 1
}

/// SHA-256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Partition {
    /// `hash:K/N`, or `auto` (read from the CI's environment through `var`).
    pub fn parse(spec: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<Partition, String> {
        let spec = spec.trim();
        if spec.eq_ignore_ascii_case("auto") {
            return Self::auto(var);
        }
        let Some(kn) = spec.strip_prefix("hash:") else {
            return Err(format!(
                "`{spec}` is not a partition: write `hash:K/N` (shard K of N, 1 ≤ K ≤ N) or `auto`"
            ));
        };
        let (k, n) = kn.split_once('/').ok_or_else(|| {
            format!("`{spec}`: write the shard as `hash:K/N`, such as `hash:3/8`")
        })?;
        Self::new(k, n, format!("--partition {spec}"))
    }

    fn new(k: &str, n: &str, source: String) -> Result<Partition, String> {
        let num = |t: &str, what: &str| {
            t.trim()
                .parse::<u32>()
                .map_err(|_| format!("{source}: {what} `{t}` is not a whole number"))
        };
        let (k, n) = (num(k, "the shard")?, num(n, "the shard count")?);
        if n == 0 || k == 0 || k > n {
            return Err(format!(
                "{source}: shard {k} of {n} does not exist (1 ≤ K ≤ N)"
            ));
        }
        if n > MAX_SHARDS {
            return Err(format!(
                "{source}: {n} shards are more than the {MAX_SHARDS} amxc splits a fleet into"
            ));
        }
        Ok(Partition { k, n, source })
    }

    /// The shard from the CI's environment, first found of: `AMXC_SHARD`/`AMXC_SHARDS`
    /// (1-based; a GitHub Actions matrix sets them), Buildkite's `BUILDKITE_PARALLEL_JOB`/
    /// `BUILDKITE_PARALLEL_JOB_COUNT` (0-based), Kubernetes' `JOB_COMPLETION_INDEX` (0-based)
    /// with `AMXC_SHARDS` (an Indexed Job does not pass its completion count).
    pub fn auto(var: &dyn Fn(&str) -> Option<String>) -> Result<Partition, String> {
        let get = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        if let (Some(k), Some(n)) = (get("AMXC_SHARD"), get("AMXC_SHARDS")) {
            return Self::new(&k, &n, format!("AMXC_SHARD={k}, AMXC_SHARDS={n}"));
        }
        let zero_based = |i: &str, name: &str| {
            i.trim()
                .parse::<u32>()
                .map(|i| (i + 1).to_string())
                .map_err(|_| format!("{name} `{i}` is not a whole number"))
        };
        if let (Some(i), Some(n)) = (
            get("BUILDKITE_PARALLEL_JOB"),
            get("BUILDKITE_PARALLEL_JOB_COUNT"),
        ) {
            let k = zero_based(&i, "BUILDKITE_PARALLEL_JOB")?;
            return Self::new(
                &k,
                &n,
                format!("BUILDKITE_PARALLEL_JOB={i}, BUILDKITE_PARALLEL_JOB_COUNT={n}"),
            );
        }
        if let Some(i) = get("JOB_COMPLETION_INDEX") {
            let Some(n) = get("AMXC_SHARDS") else {
                return Err("JOB_COMPLETION_INDEX is set but not AMXC_SHARDS: give the Indexed Job's completion count as AMXC_SHARDS".into());
            };
            let k = zero_based(&i, "JOB_COMPLETION_INDEX")?;
            return Self::new(&k, &n, format!("JOB_COMPLETION_INDEX={i}, AMXC_SHARDS={n}"));
        }
        Err("--partition auto found no shard in the environment: set AMXC_SHARD and AMXC_SHARDS (1-based), or run under Buildkite parallelism (BUILDKITE_PARALLEL_JOB) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX with AMXC_SHARDS)".into())
    }

    /// Whether the server (or unreadable profile) named `name` is in this shard.
    pub fn holds(&self, name: &str) -> bool {
        shard_of(name, self.n) == self.k
    }

    /// `3/8`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.k, self.n)
    }

    /// The manifest's file name in the output folder: `amxc-shard-3-of-8.json`.
    pub fn manifest_name(&self) -> String {
        format!("amxc-shard-{}-of-{}.json", self.k, self.n)
    }
}

/// What one shard did: written to `OUT/amxc-shard-K-of-N.json` (or `--manifest FILE`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    pub format_version: u32,
    /// The policy's file name.
    pub policy: String,
    pub shard: u32,
    pub shards: u32,
    /// How servers are assigned to shards (the rule in this module's documentation).
    pub hash: String,
    /// Whether the shard compared with the committed outputs instead of writing.
    pub check: bool,
    /// Servers compiled, each with its files' SHA-256.
    pub servers: Vec<ManifestServer>,
    /// Servers (or unreadable profiles, by file name) that could not be compiled.
    #[serde(default)]
    pub failed: Vec<String>,
    /// Servers whose committed outputs are stale (`--check`), with their bounded diff.
    #[serde(default)]
    pub stale: Vec<StaleServer>,
    /// Errors and warnings the shard reported, by code.
    #[serde(default)]
    pub diagnostics: BTreeMap<String, usize>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ManifestServer {
    pub server: String,
    /// File name → SHA-256 (lower-case hex) of its bytes.
    pub files: BTreeMap<String, String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct StaleServer {
    pub server: String,
    pub diff: String,
}

/// The rule `Manifest::hash` names.
pub const HASH_RULE: &str =
    "sha256(ascii-lowercase(server name)), first 8 bytes big-endian, mod N, + 1";

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_shard_is_checked_and_read_from_each_ci() {
        let none = env(&[]);
        assert_eq!(
            Partition::parse("hash:3/8", &none).map(|p| (p.k, p.n)),
            Ok((3, 8))
        );
        for bad in [
            "hash:0/8", "hash:9/8", "hash:1/0", "hash:x/8", "hash:3", "3/8", "auto",
        ] {
            assert!(Partition::parse(bad, &none).is_err(), "{bad}");
        }
        let gh = env(&[("AMXC_SHARD", "2"), ("AMXC_SHARDS", "4")]);
        assert_eq!(
            Partition::parse("auto", &gh).map(|p| (p.k, p.n)),
            Ok((2, 4))
        );
        let bk = env(&[
            ("BUILDKITE_PARALLEL_JOB", "0"),
            ("BUILDKITE_PARALLEL_JOB_COUNT", "5"),
        ]);
        let p = Partition::parse("auto", &bk).expect("buildkite");
        assert_eq!((p.k, p.n), (1, 5));
        assert!(p.source.contains("BUILDKITE_PARALLEL_JOB=0"));
        let k8s = env(&[("JOB_COMPLETION_INDEX", "7"), ("AMXC_SHARDS", "8")]);
        assert_eq!(
            Partition::parse("auto", &k8s).map(|p| (p.k, p.n)),
            Ok((8, 8))
        );
        assert!(Partition::parse("auto", &env(&[("JOB_COMPLETION_INDEX", "1")])).is_err());
    }

    #[test]
    fn the_shard_of_a_name_is_fixed_and_ignores_case() {
        // pinned: a change here would move servers between shards on every CI
        assert_eq!(shard_of("EXCH01", 8), shard_of("exch01", 8));
        let pinned: Vec<u32> = ["EXCH01", "EXCH02", "SQL01", "FMS01"]
            .iter()
            .map(|n| shard_of(n, 8))
            .collect();
        assert_eq!(pinned, PINNED);
        for n in 1..20 {
            assert!((1..=n).contains(&shard_of("SRV00001", n)));
        }
    }

    // the same rule in Python: int.from_bytes(hashlib.sha256(name.lower().encode()).digest()[:8], "big") % 8 + 1
    const PINNED: [u32; 4] = [5, 1, 3, 1];
}
