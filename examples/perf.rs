//! Whole-stage measurements for `bench/run.sh`:
//!
//!   perf parse FILE                        parse throughput (MB/s), best of 5
//!   perf coverage POLICY TARGET LISTING    paths per second, amxc's trie beside `globset`
//!
//! Timing covers the stage only, not reading files or starting the process.

use amxc::coverage::{Class, Classifier};
use amxc::driver::load::with_plan;
use amxc::source::SourceMap;
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("parse") => parse(&args[1]),
        Some("coverage") => coverage(&args[1], &args[2], &args[3]),
        _ => eprintln!("usage: perf parse FILE | perf coverage POLICY TARGET LISTING"),
    }
}

fn parse(file: &str) {
    let text = std::fs::read_to_string(file).expect("read");
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let p = amxc::parse::parse(0, &text);
        assert!(p.value.is_some());
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("parse_mb_per_s {:.1}", text.len() as f64 / 1e6 / best);
}

fn coverage(policy: &str, target: &str, listing: &str) {
    let text = std::fs::read_to_string(listing).expect("listing");
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    let mut sources = SourceMap::new();
    let (r, diags) = with_plan(
        &mut sources,
        Path::new(policy),
        None,
        Path::new(target),
        None,
        |plan| {
            let c = Classifier::new(plan);
            let mut buf = amxc::coverage::Scratch::default();
            let t = Instant::now();
            let mut replicated = 0usize;
            for l in &lines {
                if c.classify(l, &mut buf).class == Class::Replicated {
                    replicated += 1;
                }
            }
            let single_s = t.elapsed().as_secs_f64();
            // as `amxc coverage` runs: every core; best of three
            let mut amxc_s = f64::MAX;
            let mut all = Vec::new();
            for _ in 0..3 {
                let t = Instant::now();
                all = c.classify_all(&lines);
                amxc_s = amxc_s.min(t.elapsed().as_secs_f64());
            }
            assert_eq!(
                all.iter().filter(|v| v.class == Class::Replicated).count(),
                replicated
            );
            // the same filters as globs: `/` separators, `*` within a segment, lower-cased (as
            // amxc does; globset's case-insensitive mode cannot build a set of 10,000 globs)
            let mut kinds = Vec::new();
            let mut b = globset::GlobSetBuilder::new();
            for r in &c.rules {
                let glob = r.pattern.replace('\\', "/").to_lowercase();
                let g = globset::GlobBuilder::new(&glob)
                    .literal_separator(true)
                    .build()
                    .expect("glob");
                b.add(g);
                kinds.push(r.kind.clone());
            }
            let set = b.build().expect("globset");
            let mut hits = Vec::new();
            let mut slash = String::new();
            // a regex set of thousands of globs is slow per path: time it on a sample
            let sample = lines.len().min(20_000);
            let t = Instant::now();
            let mut g_replicated = 0usize;
            for l in &lines[..sample] {
                slash.clear();
                slash.extend(l.chars().map(|c| {
                    if c == '\\' {
                        '/'
                    } else {
                        c.to_ascii_lowercase()
                    }
                }));
                set.matches_into(&slash, &mut hits);
                let inc = hits.iter().any(|&i| kinds[i].ends_with("include"));
                let exc = hits.iter().any(|&i| kinds[i].ends_with("exclude"));
                if inc && !exc {
                    g_replicated += 1;
                }
            }
            let glob_s = t.elapsed().as_secs_f64();
            let a_sample = lines[..sample]
                .iter()
                .filter(|l| c.classify(l, &mut buf).class == Class::Replicated)
                .count();
            assert_eq!(
                a_sample, g_replicated,
                "amxc and globset disagree on the sample"
            );
            (
                (amxc_s, single_s),
                glob_s * lines.len() as f64 / sample as f64,
                replicated,
                g_replicated,
                c.rules.len(),
            )
        },
    )
    .expect("plan")
    .into_parts();
    let Some((a, g, ra, rg, rules)) = r else {
        eprintln!("{:?}", diags.iter().map(|d| &d.message).collect::<Vec<_>>());
        return;
    };
    let n = lines.len() as f64;
    println!("coverage_paths {} rules {rules}", lines.len());
    println!("amxc_paths_per_s {:.0}", n / a.0);
    println!("amxc_one_core_paths_per_s {:.0}", n / a.1);
    println!("globset_paths_per_s {:.0}", n / g);
    println!("replicated amxc {ra} (globset agrees on the sample: {rg})");
}
