//! `docs/tutorial.md` is run as written: each block after `<!-- file: NAME -->` is written to
//! NAME, each `$ amxc …` line of a `console` block is run in that folder, and what it prints
//! must be what the tutorial shows. `AMXC_TUTORIAL_UPDATE=1 cargo test tutorial` writes the
//! outputs amxc prints back into the tutorial (review the change like a snapshot).

use std::path::Path;

enum Step {
    File { name: String, text: String },
    Run { args: Vec<String>, shown: String },
}

/// Words of a command line; `'…'` quotes a word (no escapes inside).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// The tutorial's steps, and for each command the byte range of its shown output.
fn steps(doc: &str) -> Vec<(Step, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut file: Option<String> = None;
    let mut lines = doc.split_inclusive('\n').peekable();
    let mut at = 0;
    while let Some(line) = lines.next() {
        at += line.len();
        let t = line.trim_end();
        if let Some(name) = t
            .strip_prefix("<!-- file: ")
            .and_then(|r| r.strip_suffix(" -->"))
        {
            file = Some(name.to_string());
            continue;
        }
        if t.starts_with("```") && t.len() > 3 {
            let console = t == "```console";
            let mut body = Vec::new();
            let mut ranges = Vec::new();
            for l in lines.by_ref() {
                let start = at;
                at += l.len();
                if l.trim_end() == "```" {
                    break;
                }
                body.push((start, l));
                ranges.push(start);
            }
            if let Some(name) = file.take() {
                out.push((
                    Step::File {
                        name,
                        text: body.iter().map(|(_, l)| *l).collect(),
                    },
                    0..0,
                ));
            } else if console {
                let mut i = 0;
                while i < body.len() {
                    let (_, l) = body[i];
                    let Some(cmd) = l.trim_end().strip_prefix("$ ") else {
                        i += 1;
                        continue;
                    };
                    let mut j = i + 1;
                    while j < body.len() && !body[j].1.starts_with("$ ") {
                        j += 1;
                    }
                    let start = body.get(i + 1).map_or(body[i].0 + l.len(), |b| b.0);
                    let end = body.get(j).map_or(at - "```\n".len(), |b| b.0);
                    let shown: String = body[i + 1..j].iter().map(|(_, l)| *l).collect();
                    out.push((
                        Step::Run {
                            args: words(cmd),
                            shown,
                        },
                        start.min(end)..end,
                    ));
                    i = j;
                }
            }
        }
    }
    out
}

fn normalise(s: &str) -> String {
    let mut t: String = s.lines().map(|l| format!("{}\n", l.trim_end())).collect();
    while t.ends_with("\n\n") {
        t.pop();
    }
    t
}

#[test]
fn the_tutorial_runs_as_written() {
    let path = Path::new("docs/tutorial.md");
    let doc = std::fs::read_to_string(path).expect("tutorial");
    let dir = tempfile::tempdir().expect("temp");
    let update = std::env::var_os("AMXC_TUTORIAL_UPDATE").is_some();
    let mut rewritten = doc.clone();
    let mut shift: isize = 0;
    let (mut files, mut runs) = (0, 0);
    for (step, range) in steps(&doc) {
        match step {
            Step::File { name, text } => {
                let p = dir.path().join(&name);
                std::fs::create_dir_all(p.parent().expect("parent")).expect("folder");
                std::fs::write(p, text).expect("write");
                files += 1;
            }
            Step::Run { args, shown } => {
                assert_eq!(args.first().map(String::as_str), Some("amxc"), "{args:?}");
                let o = std::process::Command::new(env!("CARGO_BIN_EXE_amxc"))
                    .args(&args[1..])
                    .current_dir(dir.path())
                    .env("NO_COLOR", "1")
                    .output()
                    .expect("amxc");
                let printed = normalise(&format!(
                    "{}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                ));
                runs += 1;
                if update {
                    let start = (range.start as isize + shift) as usize;
                    let end = (range.end as isize + shift) as usize;
                    rewritten.replace_range(start..end, &printed);
                    shift += printed.len() as isize - (range.end - range.start) as isize;
                } else {
                    assert_eq!(
                        normalise(&shown),
                        printed,
                        "`{}` prints something else than the tutorial shows (AMXC_TUTORIAL_UPDATE=1 rewrites it)",
                        args.join(" ")
                    );
                }
            }
        }
    }
    assert!(files >= 4 && runs >= 5, "{files} files, {runs} commands");
    if update && rewritten != doc {
        std::fs::write(path, rewritten).expect("rewrite the tutorial");
    }
}
